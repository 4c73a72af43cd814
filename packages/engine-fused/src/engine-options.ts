import type { LayerSpec } from '@machop/core';
import type { OptimizerSettings } from './types.js';

/** What a {@link FusedEngine} is built from. */
export interface FusedEngineOptions {
  /** The model's layer list (a registry entry's `layers(...)`). */
  layers: readonly LayerSpec[];
  features: number;
  classes: number;
  /** Seed of the initial weights and of every dropout layer, as in the models package. */
  seed: number;
  optimizer: OptimizerSettings;
  /**
   * 1 (the default) or 2. With 2, every training batch is computed as two halves whose
   * batch-norm statistics and gradients are merged, in a fixed order, within the step: the same
   * step as on one thread up to the order of float32 sums, and deterministic for a seed and
   * thread count. The second half runs on a worker thread while that is measured to be faster
   * than running both halves here (it is not on a busy machine); either way the numbers are the
   * same. Pays for large steps (see the README); `FusedEngine.dispose` stops the worker.
   */
  threads?: number;
  /**
   * Where a two-thread engine runs the second half of each batch: `auto` (the default) measures
   * both places as it trains and takes the faster; `worker` and `here` fix it (for benchmarks
   * and tests: the numbers are the same either way).
   */
  placement?: 'auto' | 'worker' | 'here';
  /**
   * Threads of inference (`FusedEngine.evaluate`): 1 or 2, default `threads`. With 2, an
   * inference batch of {@link SHARED_INFERENCE_ROWS} rows or more is split in two halves, the
   * second computed on the worker thread (started at the first such batch when `threads` is 1).
   * Rows are independent in inference and each row is computed by the same kernels in the same
   * order on either thread, so the logits are bit-identical to one thread's.
   */
  evaluationThreads?: number;
}

/** Inference batches smaller than this stay on one thread: the rest is too small to share. */
export const SHARED_INFERENCE_ROWS = 512;
