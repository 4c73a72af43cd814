import { ModelError } from '@machop/core';
import type { PlannedLayer } from '../plan.js';
import type { Reducer } from '../reducer.js';
import type { BoundLayer, Lane, LayerKind } from './layer.js';

/** A planned batch norm over `width` channels. */
export type BatchNormLayer = Extract<PlannedLayer, { kind: 'batchNorm' }>;

/** PyTorch's BatchNorm1d defaults: the new batch weighs 0.1 in the running statistics. */
export const BATCH_NORM_MOMENTUM = 0.1;
const BATCH_NORM_EPSILON = 1e-5;

/**
 * Batch norm as PyTorch's BatchNorm1d: in training the batch's mean and biased variance
 * normalise the rows and move the running statistics once (unbiased, momentum 0.1); in inference
 * the running statistics do. Weights `batch_norm_i/gamma`, `beta` (trainable), `moving_mean`,
 * `moving_variance`. With two lanes, each lane's moments are merged with Chan et al.'s parallel
 * formula, and dGamma and dBeta are summed before the input gradient needs them.
 */
export const batchNorm: LayerKind<BatchNormLayer> = {
  type: 'batchNorm',
  unsupportedReason(spec, index) {
    // The models package gives tfjs' momentum (weight of the old value); only its default, PyTorch's 0.1, is implemented.
    if (
      spec.type === 'batchNorm' &&
      spec.momentum !== undefined &&
      Math.abs(spec.momentum - (1 - BATCH_NORM_MOMENTUM)) > 1e-9
    )
      return `layer ${index} is a batch norm with momentum ${spec.momentum}; the fused engine implements PyTorch's 0.1 only`;
    return undefined;
  },
  plan(spec, { index, width, nameFor }) {
    if (spec.type !== 'batchNorm') throw new ModelError(`layer ${index} is not a batch norm`);
    const name = nameFor('batch_norm');
    return {
      layer: {
        kind: 'batchNorm',
        name,
        width,
        momentum: BATCH_NORM_MOMENTUM,
        epsilon: spec.epsilon ?? BATCH_NORM_EPSILON,
      },
      weights: (
        [
          ['gamma', true],
          ['beta', true],
          ['moving_mean', false],
          ['moving_variance', false],
        ] as const
      ).map(([part, trainable]) => ({ part, shape: [width], trainable })),
      width,
    };
  },
  initialize(_layer, part, values) {
    if (part === 'gamma' || part === 'moving_variance') values.fill(1);
  },
  // Per channel the batch's mean and 1/σ (or, after an inference pass, the scale and shift).
  scratch: (layer) => [layer.width, layer.width],
  // x̂ of the last training pass.
  sumsGradientsInBackward: true,
  rowBuffers: (layer) => [layer.width],
  // A two-lane batch: each lane's mean and Σ(x − mean)² before the merge.
  laneChannels: (_layer, lanes) => (lanes === 2 ? 2 : 0),
  identityInInference: () => false,
  forward(layer, active, index, { kernels, reducer, batchRows, training }) {
    const { spec } = layer;
    const [meanSlot, inverseStdSlot] = layer.scratchSlots;
    if (!training) {
      // Fold the running statistics into one scale and shift per channel.
      const [gammaValues, betaValues, meanValues, varianceValues] = layer.weights;
      const [scale, shift] = layer.scratch;
      for (let channel = 0; channel < spec.width; channel++) {
        const factor = gammaValues[channel] / Math.sqrt(varianceValues[channel] + spec.epsilon);
        scale[channel] = factor;
        shift[channel] = betaValues[channel] - meanValues[channel] * factor;
      }
      for (const lane of active) {
        const buffers = lane.layers[index];
        kernels.scaleShift(
          buffers.inputOffset,
          lane.rows,
          spec.width,
          meanSlot.offset,
          inverseStdSlot.offset,
          buffers.outputSlot.offset,
        );
      }
      return;
    }
    for (const lane of active) {
      const buffers = lane.layers[index];
      // One lane: its moments are the batch's.
      const [mean, squares] = reducer.lanes === 2 ? buffers.channelSlots : layer.scratchSlots;
      kernels.batchNormMoments(
        buffers.inputOffset,
        lane.rows,
        spec.width,
        mean.offset,
        squares.offset,
      );
    }
    if (reducer.lanes === 2) mergeMoments(layer, active, index, reducer);
    const [gamma, beta, runningMean, runningVariance] = layer.weightOffsets;
    kernels.batchNormFinish(
      batchRows,
      spec.width,
      runningMean,
      runningVariance,
      spec.momentum,
      spec.epsilon,
      meanSlot.offset,
      inverseStdSlot.offset,
    );
    for (const lane of active) {
      const buffers = lane.layers[index];
      kernels.batchNormNormalize(
        buffers.inputOffset,
        lane.rows,
        spec.width,
        gamma,
        beta,
        meanSlot.offset,
        inverseStdSlot.offset,
        buffers.rowSlots[0].offset,
        buffers.outputSlot.offset,
      );
    }
  },
  backward(layer, active, index, { kernels, reducer, batchRows }, first) {
    const { spec, gradientIndices } = layer;
    const [gammaIndex, betaIndex] = gradientIndices;
    for (const lane of active)
      kernels.batchNormGradientSums(
        lane.dySlot.offset,
        lane.rows,
        spec.width,
        lane.layers[index].rowSlots[0].offset,
        lane.gradientSlots[gammaIndex].offset,
        lane.gradientSlots[betaIndex].offset,
      );
    // The first trained layer passes nothing on: its sums merge with the other gradients.
    if (first) return;
    // dx needs the whole batch's dGamma and dBeta, in every lane.
    reducer.sum(active, (lane) => [lane.gradients[gammaIndex], lane.gradients[betaIndex]], true);
    for (const lane of active)
      kernels.batchNormInputGradients(
        lane.dySlot.offset,
        lane.rows,
        batchRows,
        spec.width,
        layer.weightOffsets[0],
        layer.scratchSlots[1].offset,
        lane.layers[index].rowSlots[0].offset,
        lane.gradientSlots[gammaIndex].offset,
        lane.gradientSlots[betaIndex].offset,
        lane.dxSlot.offset,
      );
  },
};

/** The lanes' moments merged into the batch's mean and Σ(x − mean)², in the layer's scratch. */
function mergeMoments(
  layer: BoundLayer<BatchNormLayer>,
  active: Lane[],
  index: number,
  reducer: Reducer,
): void {
  const width = layer.width;
  const [first, second] = reducer.gather(active, (lane, part) => {
    const [mean, squares] = lane.layers[index].channels;
    part[0] = lane.rows;
    part.set(mean, 1);
    part.set(squares, 1 + width);
  });
  const [mean, squares] = layer.scratch;
  const [firstRows, secondRows] = [first[0], second[0]];
  const total = firstRows + secondRows;
  for (let channel = 0; channel < width; channel++) {
    if (firstRows === 0 || secondRows === 0) {
      const only = secondRows === 0 ? first : second;
      mean[channel] = only[1 + channel];
      squares[channel] = only[1 + width + channel];
      continue;
    }
    const delta = second[1 + channel] - first[1 + channel];
    mean[channel] = first[1 + channel] + (delta * secondRows) / total;
    squares[channel] =
      first[1 + width + channel] +
      second[1 + width + channel] +
      (delta * delta * firstRows * secondRows) / total;
  }
}
