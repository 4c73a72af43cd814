import { ModelError, mixSeed } from '@machop/core';
import type { PlannedLayer } from '../plan.js';
import { fillUniform } from '../uniform.js';
import type { BoundLayer, LayerKind } from './layer.js';
import { fakeQuantize } from './quantize.js';

/** A planned dense layer: `inputs` to `units`, with a bias unless `useBias` is false. */
export type DenseLayer = Extract<PlannedLayer, { kind: 'dense' }>;

/**
 * Dense (tfjs' `dense`, PyTorch's Linear): `y = x · kernel + bias`, weights `dense_i/kernel`
 * ([inputs, units]) and `dense_i/bias`, initialised as PyTorch does (uniform in ±1/sqrt(fan_in),
 * seeded per layer and weight). Its arithmetic is in WebAssembly (assembly/dense.ts). With
 * `quant` it is MASE's quantized linear: input, weight and bias (and the output, when `dataOut`
 * is given) are rounded onto their fixed-point grids as `@machop/graph`'s `quantizeArray` does,
 * the layer computes in float, and gradients pass straight through to the float weights.
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
    const quant = spec.quant;
    return {
      layer: {
        kind: 'dense',
        name,
        inputs: width,
        units: spec.units,
        useBias,
        ...(quant ? { quant } : {}),
      },
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
  // The quantized kernel and bias of a quantized layer (the transposed kernel of the input
  // gradient lives in the engine's shared scratch).
  scratch: ({ quant, inputs, units, useBias }) => [
    quant?.weight ? inputs * units : 0,
    quant?.bias && useBias ? units : 0,
  ],
  sumsGradientsInBackward: false,
  // A quantized layer's quantized input, which its weight gradient reads.
  rowBuffers: ({ quant, inputs }) => (quant?.dataIn ? [inputs] : []),
  laneChannels: () => 0,
  identityInInference: () => false,
  forward(layer, active, index, { kernels }) {
    const { spec } = layer;
    const quant = spec.quant;
    // Fake quantization (MASE's linear): the weights' grid values, once for every lane.
    const [kernelSlot, biasSlot] = layer.scratchSlots;
    const [kernelGrid, biasGrid] = layer.scratch;
    if (quant?.weight) {
      const kernel = { offset: layer.weightOffsets[0], values: layer.weights[0] };
      const grid = { offset: kernelSlot.offset, values: kernelGrid };
      fakeQuantize(kernels, kernel, kernelGrid.length, quant.weight, quant, grid);
    }
    if (quant?.bias && spec.useBias) {
      const bias = { offset: layer.weightOffsets[1], values: layer.weights[1] };
      fakeQuantize(kernels, bias, biasGrid.length, quant.bias, quant, {
        offset: biasSlot.offset,
        values: biasGrid,
      });
    }
    const [kernel, bias] = computedWeights(layer);
    for (const lane of active) {
      const buffers = lane.layers[index];
      if (quant?.dataIn) {
        // The backward pass reads the input the forward pass used: the quantized one.
        const count = lane.rows * spec.inputs;
        const input = { offset: buffers.inputOffset, values: buffers.input };
        const grid = { offset: buffers.rowSlots[0].offset, values: buffers.rows[0] };
        fakeQuantize(kernels, input, count, quant.dataIn, quant, grid);
        buffers.input = grid.values;
        buffers.inputOffset = grid.offset;
      }
      kernels.denseForward(
        buffers.inputOffset,
        lane.rows,
        spec.inputs,
        kernel,
        bias,
        spec.units,
        buffers.outputSlot.offset,
      );
      if (quant?.dataOut) {
        const output = { offset: buffers.outputSlot.offset, values: buffers.output };
        fakeQuantize(kernels, output, lane.rows * spec.units, quant.dataOut, quant, output);
      }
    }
  },
  // Straight through (the STE, also where a value saturated): the gradients are those of the
  // float layer computed with the quantized input and weights, and update the float weights.
  backward(layer, active, index, { kernels, transposedOffset }, first) {
    const { spec, gradientIndices } = layer;
    const [kernel] = computedWeights(layer);
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
          kernel,
          transposedOffset,
          lane.dxSlot.offset,
        );
    }
  },
};

/** Offsets of the kernel and bias the arithmetic uses: the quantized copies where quantized. */
function computedWeights(layer: BoundLayer<DenseLayer>): [number, number] {
  const { spec, weightOffsets, scratchSlots } = layer;
  const kernel = spec.quant?.weight ? scratchSlots[0].offset : weightOffsets[0];
  if (!spec.useBias) return [kernel, 0];
  return [kernel, spec.quant?.bias ? scratchSlots[1].offset : weightOffsets[1]];
}
