import { ConfigError } from '@machop/core';
import { improves, type Callback, type EpochEndContext } from './callbacks.js';

/** Options of {@link EarlyStopping}. */
export interface EarlyStoppingOptions {
  /** Epoch metric to watch, such as `val_loss_epoch`. */
  monitor: string;
  mode: 'min' | 'max';
  /** Epochs without improvement after which the run stops. */
  patience: number;
}

/**
 * Stops the run after `patience` epochs in a row without a strict improvement of `monitor`
 * (Lightning's `EarlyStopping` with min_delta 0). A NaN never counts as an improvement.
 */
export class EarlyStopping implements Callback {
  readonly stateKey = 'early-stopping';
  private best: number | undefined;
  private wait = 0;

  constructor(private readonly options: EarlyStoppingOptions) {
    if (!Number.isInteger(options.patience) || options.patience < 1) {
      throw new ConfigError(
        `early stopping patience must be a whole number from 1 up, got ${options.patience}`,
      );
    }
  }

  onEpochEnd(context: EpochEndContext): void {
    const value = context.metrics[this.options.monitor];
    if (improves(value, this.best, this.options.mode)) {
      this.best = value;
      this.wait = 0;
      return;
    }
    this.wait += 1;
    if (this.wait >= this.options.patience) {
      context.stop(
        'early-stopped',
        `${this.options.monitor} did not improve for ${this.wait} epoch${this.wait === 1 ? '' : 's'} (best ${String(this.best)})`,
      );
    }
  }

  saveState(): unknown {
    return { best: this.best ?? null, wait: this.wait };
  }

  loadState(state: unknown): void {
    const saved = state as { best: number | null; wait: number };
    this.best = saved.best ?? undefined;
    this.wait = saved.wait;
  }
}
