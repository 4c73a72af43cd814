// The WebAssembly module of the fused engine: every kernel, compiled with SIMD.
export { denseForward, denseWeightGradients, denseInputGradients } from './dense';
export {
  reluForward,
  reluBackward,
  multiply,
  batchNormMoments,
  batchNormFinish,
  batchNormNormalize,
  scaleShift,
  batchNormGradientSums,
  batchNormInputGradients,
} from './elementwise';
export { quantize } from './quantize';
