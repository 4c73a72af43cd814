/**
 * @machop/graph: the model as data (a graph of nodes with ops, shapes, parameters and
 * per-argument precision), the passes that read and rewrite it, and the fixed-point integer
 * reference that every engine, export and simulation is checked against. No tfjs.
 *
 * @packageDocumentation
 */
export {
  quantize,
  quantizeArray,
  quantizeToInteger,
  roundHalfEven,
  stepRange,
  fixedFormat,
  type QuantizeOptions,
} from './fixed.js';
export {
  graphOf,
  layersOf,
  maseNodePrefix,
  nodeNamed,
  precisionOf,
  type Graph,
  type GraphNode,
  type GraphOptions,
  type NodeArgument,
  type NodeOp,
  type NodeType,
  type Precision,
  type Statistics,
} from './graph.js';
export { forward, weightsByName, type ForwardOptions, type Weights } from './forward.js';
export {
  PASSES,
  BUILT_IN_PASSES,
  availablePasses,
  graphPassesPlugin,
  type GraphPassEntry,
} from './passes/index.js';
export { PassArgumentError, type Pass, type PassResult } from './passes/types.js';
export {
  reportGraph,
  reportNodeMetaParam,
  textTable,
  type GraphReport,
  type GraphReportRow,
  type NodeMetaRow,
} from './passes/report.js';
export {
  profileStatistics,
  statisticsOf,
  type ProfileArgs,
  type ProfileRow,
} from './passes/profile.js';
export {
  quantizeGraph,
  quantizeTableCsv,
  quantizeHistogramCsv,
  type QuantizeArgs,
  type QuantizeInfo,
  type QuantizeTableRow,
  type QuantizeHistogramRow,
} from './passes/quantize.js';
export {
  parseNodeConfig,
  QUANTIZABLE_OPS,
  type NodeQuantConfig,
  type ParsedQuantConfig,
} from './passes/quantize-config.js';
export { countGraph, type CountInfo, type NodeCount } from './passes/count.js';
export { readMaseConfig, type MaseConfig, type PassStep } from './config/mase-config.js';
export { runPasses, unknownPass, type PassContext, type PassReport } from './config/run-passes.js';
export { transformFiles, type TransformFile } from './config/outputs.js';
export type { FixedFormat, PassEntry, QuantSpec } from '@machop/core/base';
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
