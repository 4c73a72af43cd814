// The WebAssembly quantizer must give quantizeArray's numbers bit for bit (ties to even at both
// signs, floor, saturation at both ends, the sign of zeros, NaN), or fall back to it.
import { createRandom } from '@machop/core';
import { quantizeArray } from '@machop/graph';
import { describe, expect, it } from 'vitest';
import { Arena, instantiateKernels } from '../wasm.js';
import { fakeQuantize } from './quantize.js';

const COUNT = 4099; // not a multiple of four: the scalar tail runs too
const arena = new Arena();
const kernels = instantiateKernels(arena.memory);
const [from, to] = [arena.allocate(COUNT), arena.allocate(COUNT)];

function values(seed: number): Float32Array {
  const next = createRandom(seed);
  const special = [0, -0, Number.NaN, Infinity, -Infinity, 1e-40, -1e-40, 3e38, -3e38];
  return Float32Array.from({ length: COUNT }, (_, index) => {
    if (index < special.length) return special[index];
    const scale = 2 ** Math.floor(next() * 16 - 8);
    // Half of them on the grid's ties: (n + 0.5) / 2^k for small k.
    if (index % 2) return (Math.floor(next() * 200 - 100) + 0.5) / 2 ** Math.floor(next() * 8);
    return (next() - 0.5) * scale;
  });
}

/** Bits of a float32 array, so that -0 and +0 (and NaNs) compare exactly. */
const bits = (array: Float32Array) => Array.from(new Uint32Array(array.slice().buffer));

describe('the WebAssembly quantizer', () => {
  it.each([
    [8, 4],
    [2, 1],
    [6, 0],
    [16, 8],
    [24, 12],
    [12, 20],
    [32, 16],
    [8, -2],
  ])('gives quantizeArray’s bits for width %i, frac %i', (width, frac) => {
    for (const options of [
      {},
      { floor: true },
      { unsigned: true },
      { floor: true, unsigned: true },
    ]) {
      const input = values(width * 100 + frac);
      const source = { offset: from, values: arena.view(from, COUNT) };
      source.values.set(input);
      const target = { offset: to, values: arena.view(to, COUNT) };
      fakeQuantize(kernels, source, COUNT, { width, frac }, options, target);
      const expected = quantizeArray(input, { width, frac }, options);
      expect(bits(target.values), JSON.stringify(options)).toEqual(bits(expected));
    }
  });
});
