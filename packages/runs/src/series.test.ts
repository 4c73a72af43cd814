import { describe, expect, it } from 'vitest';
import { aggregate, automaticSmoothing, curveEnds, smooth, stats } from './series.js';

describe('smooth', () => {
  it("is TensorBoard's debiased moving average", () => {
    // By hand, weight 0.5: averages 0.5, 1.25, 2.125; debias by 1-0.5, 1-0.25, 1-0.125.
    const smoothed = smooth([1, 2, 3], 0.5);
    expect(smoothed[0]).toBeCloseTo(1, 12);
    expect(smoothed[1]).toBeCloseTo(1.25 / 0.75, 12);
    expect(smoothed[2]).toBeCloseTo(2.125 / 0.875, 12);
  });

  it('passes non-finite values through and leaves constant curves alone', () => {
    const smoothed = smooth([1, null, 3], 0.5);
    expect(smoothed[1]).toBeNull();
    expect(smoothed[2]).toBeCloseTo(1.75 / 0.75, 12);
    expect(smooth([0.1, 0.1, 0.1], 0.9)).toEqual([0.1, 0.1, 0.1]);
    expect(() => smooth([1], 1)).toThrow(RangeError);
  });

  it('gives a typed array the same numbers in a typed array', () => {
    const plain = [0.5, 0.25, 0.75, 1e-9, 3];
    const typed = smooth(Float64Array.from(plain), 0.6);
    expect(typed).toBeInstanceOf(Float64Array);
    expect(Array.from(typed)).toEqual(smooth(plain, 0.6));
    const constant = Float64Array.from([2, 2]);
    expect(smooth(constant, 0.6)).toEqual(constant);
    expect(smooth(constant, 0.6)).not.toBe(constant);
  });
});

describe('stats and aggregate', () => {
  it('uses the sample standard deviation', () => {
    expect(stats([1, 2, 3, null])).toEqual({ mean: 2, std: 1, min: 1, max: 3, count: 3 });
    expect(stats([5])?.std).toBe(0);
    expect(stats([null, Number.NaN])).toBeUndefined();
  });

  it('aggregates repeats at each x, counting curves that ended early', () => {
    const result = aggregate([
      { x: [0, 1, 2], y: [0.2, 0.4, 0.6] },
      { x: [0, 1], y: [0.4, 0.6] },
    ]);
    expect(result.x).toEqual([0, 1, 2]);
    expect(result.mean.map((value) => Number(value.toFixed(12)))).toEqual([0.3, 0.5, 0.6]);
    expect(result.count).toEqual([2, 2, 1]);
    expect(result.min).toEqual([0.2, 0.4, 0.6]);
    expect(result.max).toEqual([0.4, 0.6, 0.6]);
    expect(result.std[0]).toBeCloseTo(Math.SQRT2 * 0.1, 12);
  });

  it('finds the final and best value of a curve', () => {
    const curve = { x: [0, 1, 2, 3], y: [0.5, 0.2, 0.3, null] };
    expect(curveEnds(curve, 'min')).toEqual({ final: 0.3, best: 0.2, bestX: 1 });
    expect(curveEnds(curve, 'max')).toEqual({ final: 0.3, best: 0.5, bestX: 0 });
  });
});

describe('automaticSmoothing', () => {
  it("is TensorBoard's 0.6 for a metric logged several times an epoch, none for once an epoch", () => {
    expect(automaticSmoothing([[0, 1, 2, 3]])).toBe(0);
    expect(
      automaticSmoothing([
        [0, 1],
        [0, 0, 1, 1],
      ]),
    ).toBe(0.6);
    expect(automaticSmoothing([])).toBe(0);
  });
});
