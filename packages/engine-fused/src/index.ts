/**
 * @machop/engine-fused: a training engine for sequential Machop.ts models (dense, batch norm,
 * activations, dropout; softmax cross-entropy; Adam, AdamW, SGD) whose forward pass, backward
 * pass and optimizer update run as a few loops over preallocated Float32Arrays, with the
 * semantics of the tfjs engine and PyTorch and without tfjs' per-op dispatch.
 *
 * @packageDocumentation
 */
export {
  FusedEngine,
  initialWeights,
  SHARED_INFERENCE_ROWS,
  type FusedEngineOptions,
} from './fused-engine.js';
export { fusedEngineEntry, fusedEnginePlugin } from './engine-entry.js';
export { FusedOptimizer } from './optimizer.js';
export { OPTIMIZER_DEFAULTS } from './optimizer-defaults.js';
export {
  planModel,
  unsupportedReason,
  suggestThreads,
  suggestEvaluationThreads,
  denseMultiplyAdds,
  TWO_THREAD_STEP_WORK,
  TWO_THREAD_ROWS,
  type ModelPlan,
  type PlannedLayer,
  type WeightSpec,
  type ActivationName,
} from './plan.js';
export { createUniform, fillUniform } from './uniform.js';
export type {
  NamedArray,
  OptimizerKind,
  OptimizerSettings,
  OptimizerState,
  StepResult,
  TrainTotals,
} from './types.js';
