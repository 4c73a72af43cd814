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
  nodeNamed,
  precisionOf,
  type Graph,
  type GraphNode,
  type GraphOptions,
  type NodeArgument,
  type NodeOp,
  type NodeType,
  type Precision,
} from './graph.js';
export { forward, weightsByName, type ForwardOptions, type Weights } from './forward.js';
export type { FixedFormat, QuantSpec } from '@machop/core/base';
