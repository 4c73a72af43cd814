/**
 * @machop/models: the JSC model family of MASE and a configurable MLP, registered through the
 * public plugin API, plus the pieces other engines and the CLI build on: a layer-list builder,
 * a seeded dropout layer, quantized (fake-quantized) dense and ReLU layers and model summaries.
 *
 * @packageDocumentation
 */
import { modelsPlugin } from './plugin.js';

export { modelsPlugin };
export { buildSequential, type BuildOptions } from './build.js';
export { sequentialEntry, type LayerListContext } from './sequential-entry.js';
export type { SeededDropout, SeededDropoutArgs } from './layers/seeded-dropout.js';
export type { QuantizedDense, QuantizedDenseArgs } from './layers/quantized-dense.js';
export type {
  QuantizedActivation,
  QuantizedActivationArgs,
} from './layers/quantized-activation.js';
export { layerClasses, registerLayers, type LayerClasses } from './layers/classes.js';
export {
  summarizeModel,
  formatModelSummary,
  type ModelSummary,
  type LayerSummary,
} from './summary.js';
export default modelsPlugin;
