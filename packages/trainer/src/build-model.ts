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
  if (typeof (model as unknown as PromiseLike<unknown> | null)?.then === 'function') {
    // Nobody awaits it: keep its failure, if any, from ending the process as unhandled.
    Promise.resolve(model as unknown as PromiseLike<unknown>).then(undefined, () => {});
    throw new ModelError(
      `model "${entry.name}" (plugin ${entry.plugin}): create() returned a Promise (is it async?); create() must return the tfjs LayersModel itself, built synchronously with the tf namespace it is given`,
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
  return withStableLayerNames(model);
}

/** tfjs' snake case of a class name, as it prefixes generated layer names (`BatchNormalization` → `batch_normalization`). */
function snakeCase(name: string): string {
  return name
    .replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

interface SequentialConfig {
  name: string;
  layers: { className: string; config: { name: string } }[];
}

/**
 * A layer left unnamed gets a name from a process-wide tfjs counter (`dense_Dense1`, then
 * `dense_Dense2` for the next model built), so its weight names would depend on what the process
 * built before: a sweep worker's second trial, or a model built again to test a checkpoint. Such
 * layers of a sequential model are renamed by kind and position among their kind (`dense_1`), as
 * the layer-list models name theirs, keeping the weights. Names a plugin chose are kept; a model
 * that cannot be rebuilt from its config is returned as it is.
 */
function withStableLayerNames(model: LayersModel): LayersModel {
  const generated = (name: string, className: string) => {
    const prefix = `${snakeCase(className)}_${className}`;
    return name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length));
  };
  if (!(model instanceof tf.Sequential)) return model;
  const config = model.getConfig() as SequentialConfig;
  const layers = config.layers;
  if (!layers.some((layer) => generated(layer.config.name, layer.className))) return model;
  const taken = new Set(layers.map((layer) => layer.config.name));
  const counts = new Map<string, number>();
  for (const layer of layers) {
    if (!generated(layer.config.name, layer.className)) continue;
    const kind = snakeCase(layer.className);
    let name: string;
    do {
      const count = (counts.get(kind) ?? 0) + 1;
      counts.set(kind, count);
      name = `${kind}_${count}`;
    } while (taken.has(name));
    taken.add(name);
    layer.config.name = name;
  }
  let rebuilt: LayersModel;
  try {
    rebuilt = tf.Sequential.fromConfig<tf.Sequential>(
      tf.Sequential,
      config as unknown as tf.serialization.ConfigDict,
    );
  } catch {
    return model;
  }
  const weights = model.getWeights();
  rebuilt.setWeights(weights);
  model.dispose();
  return rebuilt;
}

/** Trainable and total parameter counts of a model, from its actual weights. */
export function countParameters(model: LayersModel): { trainable: number; total: number } {
  return { trainable: countWeights(model.trainableWeights), total: countWeights(model.weights) };
}
