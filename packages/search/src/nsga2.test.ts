import type { TrialRecord } from '@machop/core/base';
import { describe, expect, it } from 'vitest';
import {
  crowdingDistances,
  hypervolume,
  nsga2,
  nsga2Entry,
  paretoSet,
  randomSearch,
  runBenchmark,
  zdt1Benchmark,
} from './index.js';

function frontVolume(run: readonly TrialRecord[]): number {
  const points = run.map((trial) => trial.values!);
  const front = paretoSet(points, zdt1Benchmark.objectives).map((i) => points[i]);
  return hypervolume(front, zdt1Benchmark.objectives, zdt1Benchmark.front!.reference);
}
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('NSGA-II', () => {
  it('covers ZDT1’s known Pareto front better than random after 300 trials, mean over 5 seeds', () => {
    const seeds = [0, 1, 2, 3, 4];
    const ours = mean(
      seeds.map((seed) => frontVolume(runBenchmark(nsga2(), zdt1Benchmark, seed, 300))),
    );
    const random = mean(
      seeds.map((seed) => frontVolume(runBenchmark(randomSearch(), zdt1Benchmark, seed, 300))),
    );
    expect(ours).toBeGreaterThan(random);
    expect(ours).toBeLessThanOrEqual(zdt1Benchmark.front!.hypervolume);
  });

  it('draws generation 0 as random search does, then breeds from it', () => {
    const run = runBenchmark(nsga2({ populationSize: 10 }), zdt1Benchmark, 4, 20);
    const random = runBenchmark(randomSearch(), zdt1Benchmark, 4, 20);
    expect(run.slice(0, 10)).toEqual(random.slice(0, 10));
    expect(run.slice(10)).not.toEqual(random.slice(10));
    // Without mutation every child's value is one of its parents': one generation 0 had.
    const noMutation = runBenchmark(
      nsga2({ populationSize: 10, mutationProb: 0 }),
      zdt1Benchmark,
      4,
      20,
    );
    const seen = new Set(noMutation.slice(0, 10).map((trial) => trial.params.x0));
    for (const trial of noMutation.slice(10)) expect(seen.has(trial.params.x0)).toBe(true);
  });

  it('breeds only from complete trials', () => {
    const space = { width: { kind: 'ordinal', choices: [2, 4, 8, 16] } } as const;
    const objectives = [{ name: 'bits', direction: 'minimize' }] as const;
    const history: TrialRecord[] = [
      { number: 0, params: { width: 2 }, state: 'failed' },
      { number: 1, params: { width: 4 }, state: 'running' },
      { number: 2, params: { width: 8 }, state: 'complete', values: [8] },
      { number: 3, params: { width: 16 }, state: 'complete', values: [Number.NaN] },
    ];
    const strategy = nsga2({ populationSize: 4, mutationProb: 0 });
    for (let seed = 0; seed < 20; seed += 1) {
      expect(strategy.propose({ space, objectives, history, seed, trialNumber: 4 })).toEqual({
        width: 8,
      });
    }
  });

  it('rejects unknown options and bad values with one line', () => {
    expect(() => nsga2Entry.create({ population: 10 })).toThrowError(
      'strategy "nsga2" has no option "population": did you mean populationSize?',
    );
    expect(() => nsga2Entry.create({ mutationProb: 2 })).toThrowError(
      'strategy "nsga2" option "mutationProb" must be a number >= 0 and <= 1, got 2',
    );
  });
});

describe('crowding distance', () => {
  it('gives the extremes Infinity and the others their neighbours’ gap over the range', () => {
    // Sorted by f1: 0, 1, 3, 4 (range 4); by f2: 4, 2, 1, 0 (range 4).
    const points = [
      [0, 4],
      [1, 2],
      [3, 1],
      [4, 0],
    ];
    expect(crowdingDistances(points)).toEqual([
      Number.POSITIVE_INFINITY,
      (3 - 0) / 4 + (4 - 1) / 4,
      (4 - 1) / 4 + (2 - 0) / 4,
      Number.POSITIVE_INFINITY,
    ]);
    // An objective on which all agree adds nothing.
    expect(
      crowdingDistances([
        [1, 5],
        [2, 5],
        [3, 5],
      ]),
    ).toEqual([Number.POSITIVE_INFINITY, 1, Number.POSITIVE_INFINITY]);
  });
});
