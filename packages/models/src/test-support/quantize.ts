// Helpers of the quantization tests (not part of the package's build).
import { createRandom, type FixedFormat } from '@machop/core';
import { expect } from 'vitest';

/** Float32 values on and around the grid of `format`: ties at both signs, saturation, noise. */
export function probeValues(format: FixedFormat, seed: number): Float32Array {
  const step = 2 ** -format.frac;
  const top = 2 ** (format.width - 1) * step;
  const values: number[] = [0, -0, Number.NaN, Infinity, -Infinity, 3e38, -3e38];
  // Steps near zero and near each end of the signed and unsigned ranges.
  const steps = new Set<number>();
  for (const centre of [0, 2 ** (format.width - 1), 2 ** format.width])
    for (let k = -40; k <= 40; k++) steps.add(centre + k).add(-centre + k);
  for (const k of steps) {
    // Every half step is a tie; quarter steps on either side of it are not.
    values.push((k + 0.5) * step, (k + 0.25) * step, (k + 0.75) * step, k * step);
  }
  const next = createRandom(seed);
  for (let index = 0; index < 2000; index++) values.push((next() * 2 - 1) * top * 2.5);
  return Float32Array.from(values);
}

/** Equal as numbers, value for value (NaN equals NaN; +0 equals -0, as `===` has it). */
export function expectSameValues(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let index = 0; index < expected.length; index++) {
    const [got, want] = [actual[index], expected[index]];
    if (!(got === want || (Number.isNaN(got) && Number.isNaN(want))))
      expect.fail(`value ${index}: got ${got}, expected ${want}`);
  }
}
