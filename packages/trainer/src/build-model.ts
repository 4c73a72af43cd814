import {
  countWeights,
  isMachopError,
  ModelError,
  tf,
  type DataShape,
  type LayersModel,
  type ModelEntry,
  type OptionValues,
  type Registered,
} from '@machop/core';

/** Whether `value` looks like a tfjs LayersModel: what the trainer calls on one is there. */
function isLayersModel(value: unknown): value is LayersModel {
  const model = value as LayersModel | null;
  return (
    typeof model === 'object' &&
    model !== null &&
    Array.isArray(model.inputs) &&
    Array.isArray(model.outputs) &&
    Array.isArray(model.weights) &&
    typeof model.apply === 'function' &&
    typeof model.getWeights === 'function'
  );
}

/**
 * Build a registered model for a data shape and check that it takes `[batch, features]` and
 * returns `[batch, classes]` logits, so a mismatch fails with the model's name, not deep in tfjs.
 */
export function buildModel(
  entry: Registered<ModelEntry>,
  shape: DataShape,
  options: OptionValues,
  seed: number,
): LayersModel {
  let model: LayersModel;
  try {
    model = entry.create({ ...shape, options, seed, tf });
  } catch (error) {
    if (isMachopError(error)) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ModelError(
      `model "${entry.name}" (plugin ${entry.plugin}) could not be built for ${shape.features} features and ${shape.classes} classes: ${reason}`,
      { cause: error },
    );
  }
  if (!isLayersModel(model)) {
    const got =
      model === null || typeof model !== 'object'
        ? String(model)
        : `an object with keys ${Object.keys(model).slice(0, 5).join(', ') || '(none)'}`;
    throw new ModelError(
      `model "${entry.name}" (plugin ${entry.plugin}): create() returned ${got}, not a tfjs LayersModel; return tf.sequential(...) or tf.model(...) built with the tf namespace create() is given`,
    );
  }
  const input = model.inputs[0]?.shape;
  const output = model.outputs[0]?.shape;
  if (
    model.inputs.length !== 1 ||
    model.outputs.length !== 1 ||
    input?.length !== 2 ||
    input[1] !== shape.features ||
    output?.length !== 2 ||
    output[1] !== shape.classes
  ) {
    model.dispose();
    throw new ModelError(
      `model "${entry.name}" (plugin ${entry.plugin}) takes [${String(input)}] and returns [${String(output)}], but the data needs [batch, ${shape.features}] in and [batch, ${shape.classes}] out`,
    );
  }
  return model;
}

/** Trainable and total parameter counts of a model, from its actual weights. */
export function countParameters(model: LayersModel): { trainable: number; total: number } {
  return { trainable: countWeights(model.trainableWeights), total: countWeights(model.weights) };
}
