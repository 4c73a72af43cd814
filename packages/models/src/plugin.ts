import { definePlugin, type LayerSpec, countLayerParams } from '@machop/core/base';
import { jscCustomLayers } from './jsc/custom.js';
import { jscSLayers } from './jsc/s.js';
import { jscThreeLinearLayers } from './jsc/three-linear-layers.js';
import { jscTinyLayers } from './jsc/tiny.js';
import { jscToyLayers } from './jsc/toy.js';
import { jscTrtLayers } from './jsc/trt.js';
import { MLP_OPTIONS, mlpLayers } from './mlp.js';
import { JSC_SHAPE, sequentialEntry, type LayerListContext } from './sequential-entry.js';

type LayerList = (context: LayerListContext) => LayerSpec[];

// MASE's JSC models end in a ReLU, so the logits the loss sees are clipped at zero. We keep it so
// that results compare with MASE's; every description says so.
const JSC_MODELS: readonly { name: string; what: string; layers: LayerList }[] = [
  { name: 'jsc-tiny', what: "MASE's JSC-Tiny: BN, ReLU, Linear, ReLU", layers: jscTinyLayers },
  {
    name: 'jsc-toy',
    what: "MASE's JSC-Toy: 3 blocks of Linear, BN, ReLU (8 hidden units)",
    layers: jscToyLayers,
  },
  {
    name: 'jsc-s',
    what: "MASE's JSC-S: Linear 64, 32, 32, 32 with BN and ReLU",
    layers: jscSLayers,
  },
  {
    name: 'jsc-trt',
    what: "MASE's JSC-TRT: Linear 32, 48, 16 with BN, ReLU and dropout 0.5",
    layers: jscTrtLayers,
  },
  {
    name: 'jsc-three-linear-layers',
    what: "MASE's JSC-Three-Linear-Layers: BN, ReLU, 3 Linear (16 hidden), ReLU",
    layers: jscThreeLinearLayers,
  },
  {
    name: 'jsc-custom',
    what: 'JSC-Custom from the MASE labs: Linear 32, 16 with BN, ReLU and dropout 0.2',
    layers: jscCustomLayers,
  },
];

function jscDescription(what: string, layers: LayerList): string {
  const { trainable } = countLayerParams(layers({ ...JSC_SHAPE, options: {} }), JSC_SHAPE.features);
  return `${what}; ${trainable} params on jsc; ends in ReLU like MASE (logits clipped at 0)`;
}

/**
 * The `@machop/models` plugin: the JSC model family of MASE (`jsc-tiny`, `jsc-toy`, `jsc-s`,
 * `jsc-trt`, `jsc-three-linear-layers`, `jsc-custom`) and a configurable `mlp`, each built for the
 * data set's feature and class counts.
 */
export const modelsPlugin = definePlugin({
  name: '@machop/models',
  apiVersion: 1,
  setup(registry) {
    for (const model of JSC_MODELS) {
      registry.models.add(
        model.name,
        sequentialEntry(model.name, jscDescription(model.what, model.layers), model.layers),
      );
    }
    registry.models.add(
      'mlp',
      sequentialEntry(
        'mlp',
        'Configurable MLP for any tabular data: --hidden, --activation, --batch-norm, --dropout; plain logits',
        mlpLayers,
        MLP_OPTIONS,
      ),
    );
  },
});
