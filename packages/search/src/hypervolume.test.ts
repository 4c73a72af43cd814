import { describe, expect, it } from 'vitest';
import { hypervolume } from './index.js';

const accuracyAndBits = [
  { name: 'accuracy', direction: 'maximize' },
  { name: 'bits', direction: 'minimize' },
] as const;

describe('hypervolume', () => {
  it('measures the region a front dominates, by hand on two objectives', () => {
    // Losses (-0.9, 4) and (-0.7, 2) against (0, 8): 0.9 * 4 + 0.7 * 6 - 0.7 * 4 = 5.
    expect(
      hypervolume(
        [
          [0.9, 4],
          [0.7, 2],
        ],
        accuracyAndBits,
        [0, 8],
      ),
    ).toBeCloseTo(5, 12);
    // A dominated point, a NaN and a point beyond the reference add nothing.
    expect(
      hypervolume(
        [
          [0.9, 4],
          [0.7, 2],
          [0.6, 6],
          [Number.NaN, 1],
          [0.95, 9],
        ],
        accuracyAndBits,
        [0, 8],
      ),
    ).toBeCloseTo(5, 12);
    expect(hypervolume([], accuracyAndBits, [0, 8])).toBe(0);
  });

  it('measures boxes in three objectives, by hand', () => {
    const minimize = ['a', 'b', 'c'].map((name) => ({ name, direction: 'minimize' }) as const);
    // Against (2, 2, 2): the box of (0, 1, 1) is 2 * 1 * 1 = 2, the box of (1, 0, 0) is
    // 1 * 2 * 2 = 4, and they share 1 * 1 * 1: 2 + 4 - 1 = 5.
    expect(
      hypervolume(
        [
          [0, 1, 1],
          [1, 0, 0],
        ],
        minimize,
        [2, 2, 2],
      ),
    ).toBeCloseTo(5, 12);
    expect(hypervolume([[0, 0, 0]], minimize, [2, 3, 4])).toBeCloseTo(24, 12);
  });
});
