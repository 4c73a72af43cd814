import { describe, expect, it } from 'vitest';
import { uniqueRows } from './dedupe.js';

describe('uniqueRows', () => {
  it('keeps the first of each set of identical rows, in order', () => {
    const x = Float32Array.from([1, 2, 3, 4, 1, 2, 5, 6, 3, 4, 1, 2]);
    const y = Int32Array.from([0, 1, 0, 0, 1, 0]);
    expect(Array.from(uniqueRows(x, y, 6, 2))).toEqual([0, 1, 3]);
  });

  it('keeps rows with equal features but different labels', () => {
    const x = Float32Array.from([1, 2, 1, 2]);
    expect(Array.from(uniqueRows(x, Int32Array.from([0, 1]), 2, 2))).toEqual([0, 1]);
  });

  it('treats -0 and 0 as the same value', () => {
    const x = Float32Array.from([0, 1, -0, 1]);
    expect(Array.from(uniqueRows(x, Int32Array.from([2, 2]), 2, 2))).toEqual([0]);
  });

  it('agrees with a string-keyed reference on many rows with collisions', () => {
    const rows = 20000;
    const features = 3;
    const x = Float32Array.from(
      { length: rows * features },
      (_, index) => ((index * 2654435761) >>> 0) % 7,
    );
    const y = Int32Array.from({ length: rows }, (_, row) => row % 3);
    const seen = new Set<string>();
    const expected: number[] = [];
    for (let row = 0; row < rows; row++) {
      const key = `${Array.from(x.subarray(row * features, (row + 1) * features)).join(',')}|${y[row]}`;
      if (!seen.has(key)) {
        seen.add(key);
        expected.push(row);
      }
    }
    expect(expected.length).toBeLessThan(rows);
    expect(Array.from(uniqueRows(x, y, rows, features))).toEqual(expected);
  });
});
