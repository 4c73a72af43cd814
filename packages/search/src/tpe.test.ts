import { readFileSync } from 'node:fs';
import type { SearchSpace, TrialRecord } from '@machop/core/base';
import { describe, expect, it } from 'vitest';
import {
  bestSoFar,
  braninBenchmark,
  hypervolume,
  paretoSet,
  precisionBenchmark,
  randomSearch,
  runBenchmark,
  tpe,
  tpeEntry,
  zdt1Benchmark,
  type Benchmark,
} from './index.js';

const seeds = Array.from({ length: 20 }, (_, seed) => seed);
const trials = 30;

function meanCurve(make: () => ReturnType<typeof tpe>, benchmark: Benchmark): number[] {
  const curves = seeds.map((seed) => bestSoFar(runBenchmark(make(), benchmark, seed, trials)));
  return curves[0].map((_, t) => mean(curves.map((curve) => curve[t])));
}
function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
function standardDeviation(values: readonly number[]): number {
  const center = mean(values);
  return Math.sqrt(
    values.reduce((sum, value) => sum + (value - center) ** 2, 0) / (values.length - 1),
  );
}

// Optuna 3.1's TPESampler(seed) on the same benchmarks: bench/optuna-reference.py writes it.
const optuna = JSON.parse(
  readFileSync(new URL('../fixtures/optuna-tpe.json', import.meta.url), 'utf8'),
) as { benchmarks: Record<string, Record<string, number[]>> };

describe.each([precisionBenchmark, braninBenchmark])('TPE on $name', (benchmark) => {
  const ours = meanCurve(() => tpe(), benchmark);

  it('beats random search after 30 trials, mean best-so-far over 20 seeds', () => {
    const random = meanCurve(() => randomSearch(), benchmark);
    // The first 10 trials are random ones: TPE draws its start-up trials as random search does.
    expect(ours.slice(0, 10)).toEqual(random.slice(0, 10));
    expect(ours[trials - 1]).toBeLessThan(random[trials - 1]);
    expect(ours[trials - 1]).toBeGreaterThanOrEqual(benchmark.optimum!);
  });

  it("stays within Optuna's seed-to-seed spread (mean ± 1 standard deviation, trials 10 to 30)", () => {
    const reference = Object.values(optuna.benchmarks[benchmark.name]);
    expect(reference).toHaveLength(20);
    for (let t = 9; t < trials; t += 1) {
      const values = reference.map((curve) => curve[t]);
      const center = mean(values);
      const spread = standardDeviation(values);
      expect(Math.abs(ours[t] - center), `trial ${t + 1}`).toBeLessThanOrEqual(spread);
    }
  });
});

describe('TPE', () => {
  const space: SearchSpace = {
    quantizer: { kind: 'categorical', choices: ['integer', 'minifloat'] },
    width: { kind: 'ordinal', choices: [2, 4, 8] },
    fixed: { kind: 'ordinal', choices: [32] },
    blocks: { kind: 'int', low: 1, high: 64, log: true },
  };
  const objectives = [{ name: 'loss', direction: 'minimize' }] as const;
  const complete: TrialRecord[] = Array.from({ length: 12 }, (_, number) => ({
    number,
    params: {
      quantizer: number % 2 ? 'integer' : 'minifloat',
      width: [2, 4, 8][number % 3],
      fixed: 32,
      blocks: number + 1,
    },
    state: 'complete',
    values: [number % 5],
  }));

  it('ignores running and failed trials, and complete ones without a number', () => {
    const strategy = tpe();
    const propose = (extra: TrialRecord) =>
      strategy.propose({
        space,
        objectives,
        history: [...complete, extra],
        seed: 3,
        trialNumber: 13,
      });
    const params = { quantizer: 'integer', width: 2, fixed: 32, blocks: 1 };
    const running = propose({ number: 12, params, state: 'running' });
    expect(propose({ number: 12, params, state: 'failed' })).toEqual(running);
    expect(propose({ number: 12, params, state: 'complete', values: [Number.NaN] })).toEqual(
      running,
    );
    expect(running!.fixed).toBe(32);
    expect(Number.isInteger(running!.blocks)).toBe(true);
  });

  it('draws at random until nStartupTrials trials are complete', () => {
    const startup = tpe({ nStartupTrials: 13 });
    const request = { space, objectives, history: complete, seed: 3, trialNumber: 12 };
    expect(startup.propose(request)).toEqual(randomSearch().propose(request));
  });

  it('rejects unknown options and bad values with one line', () => {
    expect(() => tpeEntry.create({ n_startup_trials: 5 })).toThrowError(
      'strategy "tpe" has no option "n_startup_trials": did you mean nStartupTrials?',
    );
    expect(() => tpeEntry.create({ nEiCandidates: 0 })).toThrowError(
      'strategy "tpe" option "nEiCandidates" must be a whole number >= 1, got 0',
    );
    expect(() => tpeEntry.create({ considerEndpoints: 'yes' })).toThrowError(
      'strategy "tpe" option "considerEndpoints" must be true or false, got "yes"',
    );
  });

  it('finds a better Pareto front than random on two objectives (MOTPE), mean over 10 seeds', () => {
    const { reference } = zdt1Benchmark.front!;
    const volume = (run: TrialRecord[]) => {
      const points = run.map((trial) => trial.values!);
      return hypervolume(
        paretoSet(points, zdt1Benchmark.objectives).map((i) => points[i]),
        zdt1Benchmark.objectives,
        reference,
      );
    };
    const tenSeeds = seeds.slice(0, 10);
    const ours = mean(tenSeeds.map((seed) => volume(runBenchmark(tpe(), zdt1Benchmark, seed, 60))));
    const random = mean(
      tenSeeds.map((seed) => volume(runBenchmark(randomSearch(), zdt1Benchmark, seed, 60))),
    );
    expect(ours).toBeGreaterThan(random);
  });
});
