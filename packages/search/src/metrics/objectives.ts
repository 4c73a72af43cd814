import type { SearchObjective } from '@machop/core/base';
import type { MetricSetting } from '../config.js';
import type { TrialMetrics } from './names.js';

/** How a search turns a trial's metrics into the values its strategy compares. */
export interface Scoring {
  metrics: readonly MetricSetting[];
  /** Present when the scaled metrics are summed into one objective (MASE's `sum_scaled_metrics`). */
  sum?: { direction: 'maximize' | 'minimize' };
}

/** The objectives a strategy sees: one per metric, or the one sum. */
export function objectivesOf(scoring: Scoring): SearchObjective[] {
  if (scoring.sum) return [{ name: 'sum_scaled_metrics', direction: scoring.sum.direction }];
  return scoring.metrics.map(({ name, direction }) => ({ name, direction }));
}

/**
 * MASE's scaled metrics (`scale * value` per metric) and the trial's objective values. MASE adds
 * the scaled metrics as they are, so a metric to minimize raises a sum to maximize; here a
 * metric whose direction is not the sum's is subtracted instead.
 */
export function scoreTrial(
  metrics: TrialMetrics,
  scoring: Scoring,
): { scaled: Record<string, number>; values: number[] } {
  const scaled: Record<string, number> = {};
  for (const { name, scale } of scoring.metrics)
    scaled[name] = scale * (metrics[name] ?? Number.NaN);
  if (!scoring.sum) return { scaled, values: scoring.metrics.map(({ name }) => scaled[name]) };
  let sum = 0;
  for (const { name, direction } of scoring.metrics)
    sum += direction === scoring.sum.direction ? scaled[name] : -scaled[name];
  return { scaled, values: [sum] };
}
