import {
  ModelError,
  type DataShape,
  type LayerSpec,
  type ModelEntry,
  type OptionSpec,
  type OptionValues,
  countLayerParams,
} from '@machop/core/base';
import { buildSequential } from './build.js';

/** What a sequential model's layer list depends on: the data's shape and the model's options. */
export type LayerListContext = DataShape & { options: OptionValues };

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
 * with {@link buildSequential} and `trainableParams` counts it, so the three always agree.
 */
export function sequentialEntry(
  name: string,
  description: string,
  layers: (context: LayerListContext) => LayerSpec[],
  options?: readonly OptionSpec[],
): ModelEntry {
  const layerList = (context: LayerListContext): LayerSpec[] => {
    checkShape(name, context);
    return layers(context);
  };
  return {
    description,
    task: 'classification',
    ...(options ? { options } : {}),
    layers: layerList,
    create: (context) => buildSequential(layerList(context), context),
    trainableParams: (context) => countLayerParams(layerList(context), context.features).trainable,
  };
}
