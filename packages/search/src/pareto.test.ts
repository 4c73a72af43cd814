import { describe, expect, it } from 'vitest';
import { dominates, nonDominatedFronts, paretoSet } from './index.js';

const accuracyAndBits = [
  { name: 'accuracy', direction: 'maximize' },
  { name: 'bits', direction: 'minimize' },
] as const;

describe('Pareto fronts', () => {
  it('dominates only when no worse everywhere and better somewhere', () => {
    expect(dominates([0.7, 4], [0.6, 8], accuracyAndBits)).toBe(true);
    expect(dominates([0.7, 4], [0.7, 4], accuracyAndBits)).toBe(false);
    expect(dominates([0.7, 8], [0.6, 4], accuracyAndBits)).toBe(false);
    expect(dominates([0.7, 4], [0.7, 8], accuracyAndBits)).toBe(true);
  });

  it('treats NaN as worse than any number', () => {
    expect(dominates([0.1, 32], [Number.NaN, 32], accuracyAndBits)).toBe(true);
    expect(dominates([Number.NaN, 2], [0.1, 32], accuracyAndBits)).toBe(false);
  });

  it('sorts points into fronts, the Pareto set first', () => {
    const points = [
      [0.75, 8], // 0: front 0
      [0.7, 4], // 1: front 0
      [0.7, 8], // 2: dominated by 0 and 1
      [0.5, 2], // 3: front 0 (fewest bits)
      [0.6, 8], // 4: dominated by 2
      [0.75, 8], // 5: equal to 0, so on front 0 too
    ];
    expect(nonDominatedFronts(points, accuracyAndBits)).toEqual([[0, 1, 3, 5], [2], [4]]);
    expect(paretoSet(points, accuracyAndBits)).toEqual([0, 1, 3, 5]);
    expect(paretoSet([], accuracyAndBits)).toEqual([]);
  });
});
