import {
  isMachopError,
  ModelError,
  tf,
  type DataShape,
  type LayersModel,
  type ModelEntry,
  type OptionValues,
  type Registered,
} from '@machop/core';

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

/** Trainable and total parameter counts of a model. */
export function countParameters(model: LayersModel): { trainable: number; total: number } {
  const count = (weights: readonly { shape: readonly (number | null)[] }[]) =>
    weights.reduce(
      (sum, weight) => sum + weight.shape.reduce<number>((a, b) => a * (b ?? 1), 1),
      0,
    );
  return { trainable: count(model.trainableWeights), total: count(model.weights) };
}
