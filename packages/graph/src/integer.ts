/**
 * `@machop/graph/integer`: the model graph and the all-integer arithmetic of a transformed one,
 * without the passes' TOML reader, for hardware tools and commands that start fast.
 *
 * @packageDocumentation
 */
export { graphOf, maseNodePrefix, type Graph, type GraphNode } from './graph.js';
export { quantizeToInteger, stepRange, roundHalfEven } from './fixed.js';
export { weightsByName, type Weights } from './forward.js';
export { integerPlan, IntegerPlanError, signedWidth } from './integer/plan.js';
export {
  integerForward,
  integerInputs,
  integerLogits,
  type IntegerForwardOptions,
} from './integer/forward.js';
export type {
  AffineStage,
  DenseStage,
  IntegerPlan,
  IntegerPlanOptions,
  IntegerStage,
  IntegerTensor,
  ReluStage,
  RequantizeStage,
} from './integer/types.js';
