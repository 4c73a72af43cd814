import {
  ModelError,
  type DataShape,
  type LayerQuant,
  type LayerSpec,
  type ModelEntry,
  type OptionSpec,
  type OptionValues,
  countLayerParams,
} from '@machop/core/base';
import { buildSequential } from './build.js';

/** What a sequential model's layer list depends on: the data's shape and the model's options. */
export type LayerListContext = DataShape & { options: OptionValues };

/**
 * `layers` with `quant[i]` on layer `i` (a transformed run's quantization). Only dense layers and
 * activations take a quant; a list of another length, or a quant on another kind, is a
 * {@link ModelError}: the quantization was made for another architecture.
 */
export function withLayerQuant(
  name: string,
  layers: LayerSpec[],
  quant: LayerQuant | undefined,
): LayerSpec[] {
  if (quant === undefined) return layers;
  if (quant.length !== layers.length)
    throw new ModelError(
      `model ${name} has ${layers.length} layers but its quantization describes ${quant.length}; it was made for other model options`,
    );
  return layers.map((layer, index) => {
    const spec = quant[index];
    if (spec === null || spec === undefined) return layer;
    if (layer.type !== 'dense' && layer.type !== 'activation')
      throw new ModelError(
        `model ${name}: layer ${index} is a ${layer.type} layer, which cannot be quantized; only dense layers and activations can`,
      );
    return { ...layer, quant: spec };
  });
}

/** The shape of the JSC data set (16 features, 5 classes), for which MASE's parameter counts hold. */
export const JSC_SHAPE: DataShape = { features: 16, classes: 5 };

function checkShape(name: string, shape: DataShape): void {
  const whole = (value: number, least: number) => Number.isInteger(value) && value >= least;
  if (!whole(shape.features, 1) || !whole(shape.classes, 2)) {
    throw new ModelError(
      `model ${name} needs at least 1 feature and 2 classes; got features=${String(shape.features)}, classes=${String(shape.classes)}`,
    );
  }
}

/**
 * A registry entry for a sequential model described by its layer list: `create` builds the list
 * with {@link buildSequential} and `trainableParams` counts it, so the three always agree. A
 * context's `quant` (a transformed run's) is applied to `layers()` and `create()` alike, so the
 * tfjs model and every engine that runs the layer list get the same quantized layers.
 */
export function sequentialEntry(
  name: string,
  description: string,
  layers: (context: LayerListContext) => LayerSpec[],
  options?: readonly OptionSpec[],
): ModelEntry {
  const layerList = (context: LayerListContext & { quant?: LayerQuant }): LayerSpec[] => {
    checkShape(name, context);
    return withLayerQuant(name, layers(context), context.quant);
  };
  return {
    description,
    task: 'classification',
    ...(options ? { options } : {}),
    layers: layerList,
    create: (context) => buildSequential(layerList(context), context),
    trainableParams: (context) =>
      countLayerParams(layerList({ ...context, quant: undefined }), context.features).trainable,
  };
}
