import { ModelError, type LayerQuant, type ModelEntry, type Registered } from '@machop/core';

/**
 * `entry` building the model with `quant` (a transformed run's per-layer quantization): its
 * `layers()` and `create()` get the quant in their context, so the tfjs model and the fused
 * engine's layer list agree. Without `quant` the entry is returned as it is. A model without a
 * layer list cannot be quantized: that is a {@link ModelError}.
 */
export function quantizedEntry(
  entry: Registered<ModelEntry>,
  quant: LayerQuant | undefined,
): Registered<ModelEntry> {
  if (quant === undefined) return entry;
  const layers = entry.layers?.bind(entry);
  if (layers === undefined) throw noLayerList(entry.name);
  return {
    ...entry,
    layers: (context) => layers({ ...context, quant }),
    create: (context) => entry.create({ ...context, quant }),
  };
}

/** The error for a model that cannot be made into a graph or quantized. */
export function noLayerList(model: string): ModelError {
  return new ModelError(
    `model ${model} has no layer list; ch transform needs a sequential model (one registered with a layers() list, as sequentialEntry makes)`,
  );
}
