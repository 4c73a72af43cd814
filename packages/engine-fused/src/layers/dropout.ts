import { ModelError, mixSeed, stepSeed } from '@machop/core';
import { dropoutMask, dropoutMasks } from '../kernels.js';
import type { PlannedLayer } from '../plan.js';
import type { LayerKind } from './layer.js';

/** A planned inverted dropout of `rate` over `width` values a row. */
export type DropoutLayer = Extract<PlannedLayer, { kind: 'dropout' }>;

/**
 * Inverted dropout with the masks of the models package's `SeededDropout`: layer `i` has seed
 * `mixSeed(seed, i)`, mixed with core's `stepSeed()` at each step; the identity in inference.
 * A lane holding the later rows of a batch draws its part of the batch's mask.
 */
export const dropout: LayerKind<DropoutLayer> = {
  type: 'dropout',
  unsupportedReason: () => undefined,
  plan(spec, { index, width, seed, nameFor }) {
    if (spec.type !== 'dropout') throw new ModelError(`layer ${index} is not a dropout`);
    if (!(spec.rate >= 0 && spec.rate < 1))
      throw new ModelError(
        `dropout layer ${index} rate must be at least 0 and below 1; got ${String(spec.rate)}`,
      );
    return {
      layer: {
        kind: 'dropout',
        name: nameFor('dropout'),
        width,
        rate: spec.rate,
        seed: mixSeed(seed, index),
      },
      weights: [],
      width,
    };
  },
  initialize: () => {},
  scratch: () => [],
  // The step's mask.
  sumsGradientsInBackward: false,
  rowBuffers: (layer) => [layer.width],
  laneChannels: () => 0,
  identityInInference: () => true,
  forward(layer, active, index, { kernels }) {
    const { spec } = layer;
    const seed = mixSeed(spec.seed, stepSeed());
    if (active.length === 2)
      // Both lanes here: their masks are consecutive parts of one stream, drawn in one pass.
      dropoutMasks(
        spec.rate,
        seed,
        0,
        active.map((lane) => ({ mask: lane.layers[index].rows[0], count: lane.rows * spec.width })),
      );
    for (const lane of active) {
      const buffers = lane.layers[index];
      const count = lane.rows * spec.width;
      // The lane's part of the batch's mask: the draws of the rows before it are passed over.
      if (active.length === 1)
        dropoutMask(count, spec.rate, seed, buffers.rows[0], lane.rowOffset * spec.width);
      kernels.multiply(
        buffers.inputOffset,
        buffers.rowSlots[0].offset,
        count,
        buffers.outputSlot.offset,
      );
    }
  },
  backward(layer, active, index, { kernels }) {
    const { spec } = layer;
    for (const lane of active) {
      const buffers = lane.layers[index];
      kernels.multiply(
        lane.dySlot.offset,
        buffers.rowSlots[0].offset,
        lane.rows * spec.width,
        lane.dxSlot.offset,
      );
    }
  },
};
