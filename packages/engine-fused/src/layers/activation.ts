import { ModelError } from '@machop/core';
import { activationBackward, activationForward } from '../kernels.js';
import type { ActivationName, PlannedLayer } from '../plan.js';
import type { LayerKind } from './layer.js';
import { fakeQuantize } from './quantize.js';

/** A planned elementwise activation over `width` values a row. */
export type ActivationLayer = Extract<PlannedLayer, { kind: 'activation' }>;

/** The activations the engine implements. */
export const ACTIVATIONS: readonly ActivationName[] = [
  'relu',
  'tanh',
  'sigmoid',
  'elu',
  'selu',
  'linear',
];

/**
 * An elementwise activation, named after it (`relu_1`, `tanh_2`) and without weights. ReLU runs
 * in WebAssembly; the others in JavaScript (kernels.ts), their derivatives written in terms of
 * the output. `linear` is skipped in inference. A ReLU with `quant.dataIn` rounds its input onto
 * that unsigned grid (so it is its own ReLU); its gradient passes straight through where the
 * output is above 0, as the ReLU's does.
 */
export const activation: LayerKind<ActivationLayer> = {
  type: 'activation',
  unsupportedReason(spec, index) {
    if (spec.type !== 'activation') return undefined;
    if (!ACTIVATIONS.includes(spec.activation))
      return `layer ${index} has activation ${JSON.stringify(spec.activation)}, which the fused engine does not implement`;
    if (spec.quant && spec.activation !== 'relu')
      return `layer ${index} is a quantized ${spec.activation}; the fused engine quantizes ReLU only, as MASE does`;
    return undefined;
  },
  plan(spec, { index, width, nameFor }) {
    if (spec.type !== 'activation') throw new ModelError(`layer ${index} is not an activation`);
    return {
      layer: {
        kind: 'activation',
        name: nameFor(spec.activation),
        width,
        activation: spec.activation,
        ...(spec.quant ? { quant: spec.quant } : {}),
      },
      weights: [],
      width,
    };
  },
  initialize: () => {},
  scratch: () => [],
  sumsGradientsInBackward: false,
  rowBuffers: () => [],
  laneChannels: () => 0,
  identityInInference: (layer) => layer.activation === 'linear',
  forward(layer, active, index, { kernels }) {
    const { spec } = layer;
    for (const lane of active) {
      const buffers = lane.layers[index];
      const count = lane.rows * spec.width;
      const dataIn = spec.quant?.dataIn;
      // MASE's quantized ReLU: its input onto the unsigned grid, where nothing is below 0.
      if (dataIn) {
        const input = { offset: buffers.inputOffset, values: buffers.input };
        const output = { offset: buffers.outputSlot.offset, values: buffers.output };
        const options = { floor: spec.quant?.floor, unsigned: true };
        fakeQuantize(kernels, input, count, dataIn, options, output);
      } else if (spec.activation === 'relu')
        kernels.reluForward(buffers.inputOffset, count, buffers.outputSlot.offset);
      else activationForward(spec.activation, buffers.input, count, buffers.output);
    }
  },
  backward(layer, active, index, { kernels }) {
    const { spec } = layer;
    for (const lane of active) {
      const buffers = lane.layers[index];
      const count = lane.rows * spec.width;
      if (spec.activation === 'relu')
        kernels.reluBackward(
          buffers.outputSlot.offset,
          lane.dySlot.offset,
          count,
          lane.dxSlot.offset,
        );
      else activationBackward(spec.activation, buffers.output, lane.dy, count, lane.dx);
    }
  },
};
