import { describe, expect, it } from 'vitest';
import { decimate, nearestIndex, type Columns } from './decimate';

/** A noisy curve of `count` points at steps 1..count, with a gap (nulls) in the middle. */
function noisy(count: number, seed: number): (number | null)[] {
  return Array.from({ length: count }, (_, index) =>
    index >= 4000 && index < 4100 ? null : Math.sin(index * 0.37 + seed) + Math.exp(-index / 3000),
  );
}

/** The pixel column a step falls in, as the chart places it. */
function column(x: number, first: number, last: number, width: number): number {
  return Math.min(width - 1, Math.floor(((x - first) / (last - first)) * width));
}

describe('decimate', () => {
  it('leaves a curve with no more than four points a pixel column as it is', () => {
    const columns: Columns = [
      [1, 2, 3, 4],
      [0.5, 0.25, null, 0.125],
    ];
    expect(decimate(columns, 1)).toBe(columns);
    expect(decimate(columns, 800)).toBe(columns);
  });

  it('keeps in every pixel column the first, last, lowest and highest point of each series', () => {
    const x = Array.from({ length: 10_000 }, (_, index) => index + 1);
    const series = [noisy(10_000, 0), noisy(10_000, 2)];
    const width = 640;
    const [drawnX, ...drawn] = decimate([x, ...series], width);
    expect(drawnX.length).toBeLessThanOrEqual(4 * width);
    expect(drawnX.length).toBeGreaterThan(2 * width);
    // Real x values, increasing, from the first to the last.
    for (let index = 1; index < drawnX.length; index++)
      expect(drawnX[index]).toBeGreaterThan(drawnX[index - 1]);
    expect(drawnX.every((value) => Number.isInteger(value))).toBe(true);
    expect([drawnX[0], drawnX.at(-1)]).toEqual([1, 10_000]);
    series.forEach((values, at) => {
      const low = new Map<number, number>();
      const high = new Map<number, number>();
      const seen = (into: Map<number, number>, key: number, value: number, pick: typeof Math.min) =>
        into.set(key, into.has(key) ? pick(into.get(key)!, value) : value);
      x.forEach((step, index) => {
        const value = values[index];
        if (value === null) return;
        const key = column(step, 1, 10_000, width);
        seen(low, key, value, Math.min);
        seen(high, key, value, Math.max);
      });
      const drawnLow = new Map<number, number>();
      const drawnHigh = new Map<number, number>();
      drawnX.forEach((step, index) => {
        const value = drawn[at][index];
        if (value === null) return;
        const key = column(step, 1, 10_000, width);
        seen(drawnLow, key, value, Math.min);
        seen(drawnHigh, key, value, Math.max);
      });
      expect(drawnLow).toEqual(low);
      expect(drawnHigh).toEqual(high);
      // The ends of the curve are where they were.
      expect(drawn[at][0]).toBe(values[0]);
      expect(drawn[at].at(-1)).toBe(values.at(-1));
    });
    // The gap stays a gap: no value is drawn for x where the curve has none.
    drawnX.forEach((step, index) => {
      if (step > 4020 && step < 4080) expect(drawn[0][index]).toBeNull();
    });
  });

  it('keeps the same points of typed arrays, in typed arrays', () => {
    const x = Array.from({ length: 10_000 }, (_, index) => index + 1);
    const values = x.map((step) => Math.sin(step * 0.37) + Math.exp(-step / 3000));
    const [plainX, plain] = decimate([x, values], 640);
    const [typedX, typed] = decimate([Float64Array.from(x), Float64Array.from(values)], 640);
    expect(typedX).toBeInstanceOf(Float64Array);
    expect(typed).toBeInstanceOf(Float64Array);
    expect(Array.from(typedX)).toEqual(Array.from(plainX));
    expect(Array.from(typed)).toEqual(plain);
  });
});

describe('nearestIndex', () => {
  it('finds the x nearest a value, ties to the left', () => {
    const x = [0, 10, 20, 30];
    expect([-5, 4, 5, 6, 29, 99].map((value) => nearestIndex(x, value))).toEqual([
      0, 0, 0, 1, 3, 3,
    ]);
    expect(nearestIndex([], 3)).toBe(-1);
  });
});
