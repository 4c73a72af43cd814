import type { Registered } from './registry.js';
import type { DataShape, LayerSpec, LayersModel, ModelEntry } from './types.js';

/** The optimizers engines implement, with PyTorch's update rules. */
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

/** One named array: a weight by its tfjs name (`dense_1/kernel`), or an optimizer slot (`0/m`). */
export interface NamedWeight {
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
  arrays: NamedWeight[];
}

/** Loss and accuracy of one training step, read back from the device only when asked. */
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

/**
 * What the training loop needs from a compute engine. The loop owns data, order, logging and
 * checkpoints; an engine owns weights, optimizer state and the arithmetic. Weights cross the
 * seam as named Float32Arrays in tfjs' names and order, so checkpoints keep the tfjs layout and
 * every engine loads the others'. Engines are registry entries ({@link EngineEntry}).
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
  /** Free the engine's own memory and threads (not the tfjs model's). */
  dispose(): void;
}

/** What an engine entry is asked whether it supports. */
export interface EngineQuery {
  /** The model's registry entry (its name and plugin belong in a reason). */
  model: Registered<ModelEntry>;
  /** The model's layer list for this run's shape, options and seed; undefined when it has none. */
  layers: LayerSpec[] | undefined;
}

/** What an engine is made from: the model, the run's settings and the tfjs model's weights. */
export interface EngineRequest extends EngineQuery, DataShape {
  /** Seed of the run (dropout masks and initial weights derive from it). */
  seed: number;
  /** The tfjs model the run built (an engine that runs tfjs trains it in place). */
  tfjsModel: LayersModel;
  /** The tfjs model's weights, as the engine must start from them. */
  weights(): NamedWeight[];
  optimizer: OptimizerSettings;
  /** Threads asked for: `auto` (the engine decides) or a count up to the entry's `maxThreads`. */
  threads: 'auto' | number;
  /** Rows per training step (an engine may choose its threads from it). */
  batchSize: number;
  /** The engine only evaluates: `threads` applies to inference. */
  evaluationOnly: boolean;
}

/** An engine as made, with the threads it trains and evaluates on (recorded in config.json). */
export interface CreatedEngine {
  engine: Engine;
  threads: number;
  evaluationThreads: number;
}

/**
 * A compute engine in the registry (`registry.engines.add(name, entry)`), as tfjs registers its
 * backends with a priority: with `--engine auto` the trainer takes the engine of highest
 * priority whose {@link EngineEntry.unsupportedReason} accepts the model; by name it takes that
 * one or says why not.
 */
export interface EngineEntry {
  /** One line, shown in messages and listings. */
  description: string;
  /** Higher wins in `auto` among the engines that support a model. Built in: tfjs 0, fused 10. */
  priority: number;
  /** The most threads it trains on (default 1): a larger `--threads` is refused. */
  maxThreads?: number;
  /** Why it cannot run this model (one line naming the model), or undefined when it can. */
  unsupportedReason(query: EngineQuery): string | undefined;
  /** Make the engine, holding the tfjs model's weights, with the entry's own settings resolved. */
  create(request: EngineRequest): CreatedEngine;
}
