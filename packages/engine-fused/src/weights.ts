import { CheckpointError } from '@machop/core';
import { kindOf } from './layers/index.js';
import type { ModelPlan } from './plan.js';
import type { NamedArray } from './types.js';

/**
 * Initial weights of a layer list as the models package initialises a tfjs model of it (PyTorch's
 * init, seeded per layer): dense kernel and bias uniform in ±1/sqrt(fan_in) from
 * `mixSeed(seed, i, 0)` and `mixSeed(seed, i, 1)`; batch norm gamma 1, beta 0, running mean 0,
 * running variance 1. Bit-identical to `buildSequential(layers, { seed })`'s weights.
 */
export function initialWeights(plan: ModelPlan, seed: number): NamedArray[] {
  return plan.weights.map((spec) => {
    const values = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    const layer = plan.layers[spec.layer];
    const part = spec.name.slice(spec.name.lastIndexOf('/') + 1);
    kindOf(layer).initialize(layer, part, values, seed, spec.layer);
    return { name: spec.name, shape: [...spec.shape], values };
  });
}

/**
 * The given weights by name, once every one of `named` is among them with its shape; otherwise a
 * {@link CheckpointError} naming `source`.
 */
export function checkWeights(
  named: readonly NamedArray[],
  weights: readonly NamedArray[],
  source: string,
): Map<string, NamedArray> {
  const byName = new Map(weights.map((weight) => [weight.name, weight]));
  for (const target of named) {
    const given = byName.get(target.name);
    if (!given)
      throw new CheckpointError(
        `${source} has no weight ${target.name}; it belongs to another model (it holds ${weights.map((weight) => weight.name).join(', ')})`,
      );
    if (
      given.values.length !== target.values.length ||
      given.shape.join('x') !== target.shape.join('x')
    )
      throw new CheckpointError(
        `${source}: weight ${target.name} is [${given.shape.join(', ')}], expected [${target.shape.join(', ')}]; it belongs to another model or model options`,
      );
  }
  return byName;
}
