import type { RunEndStatus } from '@machop/runs';
import type { ResolvedTrainOptions } from './options.js';

/** How a run ended (`diverged`: the training loss stopped being finite, or exploded). */
export type TrainStatus = RunEndStatus;

/** What every callback hook sees. One object is reused across hooks: read it, do not keep it. */
export interface TrainContext {
  /** The run folder. */
  readonly runDir: string;
  readonly options: ResolvedTrainOptions;
  readonly maxEpochs: number;
  /** Batches per epoch. */
  readonly batches: number;
  /** The current epoch, 0-based. */
  readonly epoch: number;
  /** Optimizer steps done so far in the run. */
  readonly globalStep: number;
  /** Learning rate of the current epoch. */
  readonly learningRate: number;
  /** Seconds the run has spent, including sessions before a resume. */
  readonly elapsedSeconds: number;
  /**
   * Ask the loop to end the run once every callback has seen the current event (after the
   * current step, or after the current epoch when called from `onEpochEnd`).
   */
  stop(status: 'early-stopped' | 'time-limit' | 'diverged', reason: string): void;
  /** Ask the loop to save `checkpoints/<name>` once every callback has seen the current event. */
  saveCheckpoint(name: 'best' | 'last'): void;
}

/** What `onBatchEnd` sees after each training step. */
export interface BatchContext extends TrainContext {
  /** Batches done in this epoch, from 1 to {@link TrainContext.batches}. */
  readonly batch: number;
  /** Rows in this batch (the last batch of an epoch may be smaller). */
  readonly batchSize: number;
  /** Mean loss of this step's batch; reading it waits for the device, so read it only when needed. */
  readonly loss: number;
  /** Accuracy on this step's batch; read back like {@link BatchContext.loss}. */
  readonly accuracy: number;
  /** Mean loss over this epoch's steps so far (what Keras shows as it trains); read back like `loss`. */
  readonly epochLoss: number;
  /** Accuracy over this epoch's steps so far; read back like {@link BatchContext.loss}. */
  readonly epochAccuracy: number;
  /** Training samples per second in this epoch so far. */
  readonly samplesPerSecond: number;
}

/** What `onEpochEnd` sees after validation. */
export interface EpochEndContext extends TrainContext {
  /** `train_loss_epoch`, `train_acc_epoch`, `val_loss_epoch`, `val_acc_epoch` and `lr`. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Seconds the epoch took, validation included. */
  readonly seconds: number;
  /** Training samples per second in this epoch. */
  readonly samplesPerSecond: number;
}

/** What `onTrainEnd` sees once training (and the final test, if any) is over. */
export interface TrainEndContext extends TrainContext {
  readonly status: TrainStatus;
  /** Why the run stopped early, if it did. */
  readonly reason: string | undefined;
  /** The last value of every metric logged, test metrics included. */
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * Hooks into the training loop. Every hook may return a promise, which the loop awaits. Early
 * stopping, the time limit and checkpointing are callbacks too.
 *
 * A callback whose decisions depend on the past (such as a patience counter) sets `stateKey` and
 * implements `saveState`/`loadState`: its state is stored in each checkpoint and restored on
 * resume, so a resumed run decides exactly as an uninterrupted one.
 */
export interface Callback {
  /** Key of this callback's state in checkpoints; unique among a run's callbacks. */
  readonly stateKey?: string;
  /** A JSON-serialisable snapshot of the state. */
  saveState?(): unknown;
  /** Restore a snapshot made by {@link Callback.saveState}. */
  loadState?(state: unknown): void;
  onTrainStart?(context: TrainContext): void | Promise<void>;
  onEpochStart?(context: TrainContext): void | Promise<void>;
  onBatchEnd?(context: BatchContext): void | Promise<void>;
  onEpochEnd?(context: EpochEndContext): void | Promise<void>;
  onTrainEnd?(context: TrainEndContext): void | Promise<void>;
}

/** Whether `value` improves on `best` in `mode`; a non-finite value never improves. */
export function improves(
  value: number | undefined,
  best: number | undefined,
  mode: 'min' | 'max',
): boolean {
  if (value === undefined || !Number.isFinite(value)) return false;
  if (best === undefined) return true;
  return mode === 'min' ? value < best : value > best;
}
