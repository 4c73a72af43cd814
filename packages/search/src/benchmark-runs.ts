import type { Strategy, TrialRecord } from '@machop/core/base';
import type { Benchmark } from './benchmarks.js';

/**
 * Run `strategy` on `benchmark` for `trials` trials with `seed`, one trial at a time, and return
 * every trial. Evaluations are the benchmark's, so the run is a function of the seed.
 */
export function runBenchmark(
  strategy: Strategy,
  benchmark: Benchmark,
  seed: number,
  trials: number,
): TrialRecord[] {
  const history: TrialRecord[] = [];
  for (let number = 0; number < trials; number += 1) {
    const params = strategy.propose({
      space: benchmark.space,
      objectives: benchmark.objectives,
      history,
      seed,
      trialNumber: number,
    });
    if (params === undefined) break;
    history.push({ number, params, state: 'complete', values: benchmark.evaluate(params) });
  }
  return history;
}

/**
 * The best value so far after each trial of a one-objective run (the sample-efficiency curve):
 * entry t is the best of trials 0..t, in the objective's direction.
 */
export function bestSoFar(
  trials: readonly TrialRecord[],
  direction: 'minimize' | 'maximize' = 'minimize',
): number[] {
  const curve: number[] = [];
  let best = direction === 'minimize' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (const trial of trials) {
    const value = trial.values?.[0];
    if (value !== undefined && !Number.isNaN(value)) {
      best = direction === 'minimize' ? Math.min(best, value) : Math.max(best, value);
    }
    curve.push(best);
  }
  return curve;
}
