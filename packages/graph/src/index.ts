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
export type { FixedFormat, QuantSpec } from '@machop/core/base';
