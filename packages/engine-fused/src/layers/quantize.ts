import type { FixedFormat } from '@machop/core';
import { quantizeArray, stepRange, type QuantizeOptions } from '@machop/graph/fixed';
import type { DenseKernels } from '../wasm.js';

/** An array in the arena: its byte offset and a view of it. */
export interface Placed {
  offset: number;
  values: Float32Array;
}

/**
 * Fake-quantize `count` values of `source` into `target` (which may be `source`): the numbers of
 * `@machop/graph`'s `quantizeArray`, from the WebAssembly kernel where it computes them exactly
 * (frac 0–100 bits, width up to 24: every product and step is exact in float32) and from
 * `quantizeArray` itself otherwise.
 */
export function fakeQuantize(
  kernels: DenseKernels,
  source: Placed,
  count: number,
  format: FixedFormat,
  options: QuantizeOptions,
  target: Placed,
): void {
  const { width, frac } = format;
  if (frac >= 0 && frac <= 100 && width <= 24) {
    const [low, high] = stepRange(format, options.unsigned);
    kernels.quantize(
      source.offset,
      count,
      2 ** frac,
      2 ** -frac,
      low,
      high,
      options.floor ? 1 : 0,
      target.offset,
    );
  } else quantizeArray(source.values.subarray(0, count), format, options, target.values);
}
