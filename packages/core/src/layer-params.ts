import type { LayerSpec } from './types.js';

/** Parameter counts of a model. */
export interface ParamCounts {
  /** Weights the optimizer updates (dense kernels and biases, batch-norm gamma and beta). */
  trainable: number;
  /** State that is not trained by gradients (batch-norm running mean and variance). */
  nonTrainable: number;
}

/** The parameter counts a layer list implies for `features` inputs, as PyTorch would count them. */
export function countLayerParams(layers: readonly LayerSpec[], features: number): ParamCounts {
  let width = features;
  let trainable = 0;
  let nonTrainable = 0;
  for (const layer of layers) {
    if (layer.type === 'dense') {
      trainable += width * layer.units + (layer.useBias === false ? 0 : layer.units);
      width = layer.units;
    } else if (layer.type === 'batchNorm') {
      trainable += 2 * width;
      nonTrainable += 2 * width;
    }
  }
  return { trainable, nonTrainable };
}

/**
 * Values held by a list of tfjs weights (a model's or a layer's `trainableWeights`, ...): the
 * count from actual weights, where {@link countLayerParams} gives the count a layer list implies.
 */
export function countWeights(weights: readonly { shape: readonly (number | null)[] }[]): number {
  return weights.reduce(
    (sum, weight) => sum + weight.shape.reduce<number>((product, size) => product * (size ?? 1), 1),
    0,
  );
}
