/**
 * @machop/export: a Machop.ts run as an ONNX model. Float runs become standard ONNX; transformed
 * (quantized) runs quantize with QuantizeLinear/DequantizeLinear pairs that reproduce the
 * fixed-point reference of `@machop/graph`, so ONNX Runtime computes the same logits as
 * `ch predict`. No tfjs.
 *
 * @packageDocumentation
 */
export {
  exportOnnx,
  isQuantized,
  FLOAT_OPSET,
  QUANTIZED_OPSET,
  INPUT_NAME,
  OUTPUT_NAME,
  type OnnxSource,
  type OnnxExportOptions,
} from './export-onnx.js';
export {
  encodeBias,
  emitQuantizer,
  storageType,
  MAX_ONNX_WIDTH,
  type QuantizerOptions,
} from './quantizer.js';
export { OnnxGraphBuilder, type ElementType } from './onnx-graph.js';
export {
  readExportCheckpoint,
  type CheckpointRecord,
  type ExportCheckpoint,
} from './checkpoint.js';
