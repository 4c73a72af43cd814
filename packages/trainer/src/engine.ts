import type { OptimizerState } from './optimizer.js';

/** Loss and accuracy of one training step, read back from the device only when asked. */
export interface StepResult {
  /** Mean softmax cross-entropy of the batch, before the update. */
  loss(): number;
  /** Fraction of the batch classified correctly, before the update. */
  accuracy(): number;
}

/** One weight of a model by its tfjs name (`dense_1/kernel`, `batch_norm_1/moving_mean`). */
export interface NamedWeight {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Sums over the training steps since the last reset, for epoch means. */
export interface TrainTotals {
  /** Sum over samples of the loss. */
  loss: number;
  /** Samples classified correctly. */
  correct: number;
  samples: number;
}

/**
 * What the training loop needs from a compute engine. The loop owns data, order, logging and
 * checkpoints; an engine owns weights, optimizer state and the arithmetic. Weights cross the
 * seam as named Float32Arrays in tfjs' names and order, so checkpoints keep the tfjs layout and
 * either engine loads the other's. Implementations: {@link TfjsEngine} and `@machop/engine-fused`.
 */
export interface Engine {
  readonly features: number;
  readonly classes: number;
  /** Read by every following step. */
  learningRate: number;
  /**
   * One optimizer step on `size` rows: `x` holds `size * features` values, `y` `size` labels.
   * The buffers may be reused once this returns. The result is valid until the next step.
   */
  step(x: Float32Array, y: Int32Array, size: number): StepResult;
  /** Logits of `size` rows (inference mode) written into `logits` (`size * classes` values). */
  evaluate(x: Float32Array, size: number, logits: Float32Array): void;
  /** Loss and accuracy sums over the steps since {@link Engine.resetTotals}. */
  readTotals(): TrainTotals;
  /** Start new sums, from `totals` (a resumed epoch) or zero. */
  resetTotals(totals?: TrainTotals): void;
  /** Copies of every weight, trainable and not, in the order and with the names of the tfjs model. */
  getWeights(): NamedWeight[];
  /**
   * Replace every weight by the one of the same name; a missing name or another shape is a
   * `CheckpointError` naming `source`.
   */
  setWeights(weights: readonly NamedWeight[], source?: string): void;
  getOptimizerState(): OptimizerState;
  setOptimizerState(state: OptimizerState, source: string): void;
  /** Free the engine's own device memory (not the model's). */
  dispose(): void;
}
