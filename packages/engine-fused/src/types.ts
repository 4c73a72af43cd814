/**
 * Shapes shared with `@machop/trainer`'s `Engine` seam. They are declared here, structurally
 * equal to the trainer's, so this package depends on core only and the trainer can use it.
 */

/** The optimizers the engine implements, with the trainer's names. */
export type OptimizerKind = 'adam' | 'adamw' | 'sgd';

/** How an optimizer updates weights. Hyper-parameters follow PyTorch's defaults. */
export interface OptimizerSettings {
  kind: OptimizerKind;
  learningRate: number;
  /** L2 added to the gradient for `adam` and `sgd`; decoupled (p *= 1 - lr * wd) for `adamw`. */
  weightDecay: number;
  /** `sgd` only. Default 0.9. */
  momentum?: number;
  /** `sgd` only: Nesterov's update. Default true. */
  nesterov?: boolean;
}

/** One named array of weights or optimizer state, such as `dense_1/kernel` or `0/m`. */
export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Everything an optimizer needs to continue exactly where it stopped. */
export interface OptimizerState {
  kind: OptimizerKind;
  /** Updates applied so far (Adam's bias correction depends on it). */
  iterations: number;
  /** Per trainable weight in order, its slots: `i/m`, `i/v` (Adam) or `i/momentum` (SGD). */
  arrays: NamedArray[];
}

/** Loss and accuracy of one training step. */
export interface StepResult {
  /** Mean softmax cross-entropy of the batch, before the update. */
  loss(): number;
  /** Fraction of the batch classified correctly, before the update. */
  accuracy(): number;
}

/** Sums over the training steps since the last reset, for epoch means. */
export interface TrainTotals {
  /** Sum over samples of the loss. */
  loss: number;
  /** Samples classified correctly. */
  correct: number;
  samples: number;
}
