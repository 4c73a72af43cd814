import { ModelError, mixSeed } from '@machop/core';
import type { PlannedLayer } from '../plan.js';
import { fillUniform } from '../uniform.js';
import type { LayerKind } from './layer.js';

/** A planned dense layer: `inputs` to `units`, with a bias unless `useBias` is false. */
export type DenseLayer = Extract<PlannedLayer, { kind: 'dense' }>;

/**
 * Dense (tfjs' `dense`, PyTorch's Linear): `y = x · kernel + bias`, weights `dense_i/kernel`
 * ([inputs, units]) and `dense_i/bias`, initialised as PyTorch does (uniform in ±1/sqrt(fan_in),
 * seeded per layer and weight). Its arithmetic is in WebAssembly (assembly/dense.ts).
 */
export const dense: LayerKind<DenseLayer> = {
  type: 'dense',
  unsupportedReason: () => undefined,
  plan(spec, { index, width, nameFor }) {
    if (spec.type !== 'dense') throw new ModelError(`layer ${index} is not dense`);
    if (!Number.isInteger(spec.units) || spec.units < 1)
      throw new ModelError(
        `dense layer ${index} units must be a positive whole number; got ${String(spec.units)}`,
      );
    const name = nameFor('dense');
    const useBias = spec.useBias !== false;
    return {
      layer: { kind: 'dense', name, inputs: width, units: spec.units, useBias },
      weights: [
        { part: 'kernel', shape: [width, spec.units], trainable: true },
        ...(useBias ? [{ part: 'bias', shape: [spec.units], trainable: true }] : []),
      ],
      width: spec.units,
    };
  },
  initialize(layer, part, values, seed, index) {
    const bound = 1 / Math.sqrt(layer.inputs);
    fillUniform(values, -bound, bound, mixSeed(seed, index, part === 'kernel' ? 0 : 1));
  },
  // The transposed kernel of the input gradient lives in the engine's shared scratch.
  scratch: () => [],
  sumsGradientsInBackward: false,
  rowBuffers: () => 0,
  laneChannels: () => 0,
  identityInInference: () => false,
  forward(layer, active, index, { kernels }) {
    const { spec, weightOffsets } = layer;
    for (const lane of active) {
      const buffers = lane.layers[index];
      kernels.denseForward(
        buffers.inputOffset,
        lane.rows,
        spec.inputs,
        weightOffsets[0],
        spec.useBias ? weightOffsets[1] : 0,
        spec.units,
        buffers.outputSlot.offset,
      );
    }
  },
  backward(layer, active, index, { kernels, transposedOffset }, first) {
    const { spec, weightOffsets, gradientIndices } = layer;
    for (const lane of active) {
      kernels.denseWeightGradients(
        lane.layers[index].inputOffset,
        lane.dySlot.offset,
        lane.rows,
        spec.inputs,
        spec.units,
        lane.gradientSlots[gradientIndices[0]].offset,
        spec.useBias ? lane.gradientSlots[gradientIndices[1]].offset : 0,
      );
      if (!first)
        kernels.denseInputGradients(
          lane.dySlot.offset,
          lane.rows,
          spec.inputs,
          spec.units,
          weightOffsets[0],
          transposedOffset,
          lane.dxSlot.offset,
        );
    }
  },
};
