import {
  improves,
  type Callback,
  type EpochEndContext,
  type TrainEndContext,
} from './callbacks.js';

/** Options of {@link ModelCheckpoint}. */
export interface ModelCheckpointOptions {
  /** Epoch metric that picks the best checkpoint, such as `val_loss_epoch`. */
  monitor: string;
  mode: 'min' | 'max';
}

/** The epoch with the best monitored value so far. */
export interface BestEpoch {
  monitor: string;
  mode: 'min' | 'max';
  value: number;
  epoch: number;
  step: number;
  /** Every epoch metric of that epoch. */
  metrics: Record<string, number>;
}

/**
 * Saves `checkpoints/last` after every epoch and when the run ends (including after an
 * interruption), and `checkpoints/best` whenever `monitor` strictly improves.
 */
export class ModelCheckpoint implements Callback {
  readonly stateKey = 'model-checkpoint';
  private bestEpoch: BestEpoch | undefined;

  constructor(private readonly options: ModelCheckpointOptions) {}

  /** The best epoch so far, if any had a finite monitored value. */
  get best(): BestEpoch | undefined {
    return this.bestEpoch;
  }

  onEpochEnd(context: EpochEndContext): void {
    const value = context.metrics[this.options.monitor];
    if (improves(value, this.bestEpoch?.value, this.options.mode)) {
      this.bestEpoch = {
        ...this.options,
        value,
        epoch: context.epoch,
        step: context.globalStep,
        metrics: { ...context.metrics },
      };
      context.saveCheckpoint('best');
    }
    context.saveCheckpoint('last');
  }

  onTrainEnd(context: TrainEndContext): void {
    context.saveCheckpoint('last');
  }

  saveState(): unknown {
    return { best: this.bestEpoch ?? null };
  }

  loadState(state: unknown): void {
    this.bestEpoch = (state as { best: BestEpoch | null }).best ?? undefined;
  }
}
