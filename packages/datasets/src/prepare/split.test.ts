import { isMachopError } from '@machop/core';
import { describe, expect, it } from 'vitest';
import { splitRows } from './split.js';

const identity = (size: number) => Int32Array.from({ length: size }, (_, index) => index);

describe('splitRows', () => {
  it('holds out ceil(n * test) rows for test and ceil(rest * val) for validation, disjoint and complete', () => {
    const rows = identity(1003);
    const parts = splitRows(rows, { seed: 42, testFraction: 0.2, valFraction: 0.1 });
    const test = Math.ceil(1003 * 0.2);
    const validation = Math.ceil((1003 - test) * 0.1);
    expect(parts.test.length).toBe(test);
    expect(parts.validation.length).toBe(validation);
    expect(parts.train.length).toBe(1003 - test - validation);
    const all = [...parts.train, ...parts.validation, ...parts.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from(rows));
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const rows = identity(500);
    const first = splitRows(rows, { seed: 42, testFraction: 0.2, valFraction: 0.1 });
    const again = splitRows(rows, { seed: 42, testFraction: 0.2, valFraction: 0.1 });
    const other = splitRows(rows, { seed: 43, testFraction: 0.2, valFraction: 0.1 });
    expect(again.test).toEqual(first.test);
    expect(again.train).toEqual(first.train);
    expect(other.test).not.toEqual(first.test);
  });

  it('shuffles: the test split is not simply the first rows', () => {
    const parts = splitRows(identity(1000), { seed: 1, testFraction: 0.2, valFraction: 0 });
    expect(Math.max(...parts.test)).toBeGreaterThan(500);
    expect(parts.validation.length).toBe(0);
  });

  it('works on a subset of row indices (after duplicates are dropped)', () => {
    const rows = Int32Array.from([3, 8, 9, 20, 21]);
    const parts = splitRows(rows, { seed: 5, testFraction: 0.4, valFraction: 0 });
    expect([...parts.train, ...parts.test].sort((a, b) => a - b)).toEqual([3, 8, 9, 20, 21]);
  });

  it('rejects fractions outside [0, 1) and a non-integer seed, naming the flag', () => {
    for (const [split, flag] of [
      [{ seed: 1, testFraction: 1, valFraction: 0.1 }, '--test-fraction'],
      [{ seed: 1, testFraction: 0.2, valFraction: -0.1 }, '--val-fraction'],
      [{ seed: 1.5, testFraction: 0.2, valFraction: 0.1 }, '--split-seed'],
    ] as const) {
      let message = '';
      try {
        splitRows(identity(10), split);
      } catch (error) {
        expect(isMachopError(error) && error.code).toBe('E_CONFIG');
        message = (error as Error).message;
      }
      expect(message).toContain(flag);
    }
  });
});
