import path from 'node:path';
import { writeFileAtomic, type SearchObjective } from '@machop/core/base';
import { paretoSet } from './pareto.js';
import type { StudyTrial } from './study.js';

/** File names of a search's outputs in its folder, as MASE names them (plus a CSV). */
export const SEARCH_FILES = { log: 'log.json', best: 'best.json', csv: 'trials.csv' } as const;

/**
 * The best trials: the Pareto set of the complete trials when there are several objectives,
 * else the one best trial (the lowest number on a tie), in trial order.
 */
export function bestTrials(
  trials: readonly StudyTrial[],
  objectives: readonly SearchObjective[],
): StudyTrial[] {
  const complete = trials.filter((trial) => trial.state === 'complete' && trial.values);
  if (complete.length === 0) return [];
  if (objectives.length > 1)
    return paretoSet(
      complete.map((trial) => trial.values!),
      objectives,
    ).map((index) => complete[index]);
  const sign = objectives[0].direction === 'maximize' ? 1 : -1;
  let best = complete[0];
  for (const trial of complete)
    if (sign * trial.values![0] > sign * best.values![0] || Number.isNaN(best.values![0]))
      best = trial;
  return [best];
}

const millis = (iso: string) => Date.parse(iso);

/** MASE's `log.json`: Optuna's trials data frame written by pandas with `orient="index"`. */
export function logJson(
  trials: readonly StudyTrial[],
  objectives: readonly SearchObjective[],
): string {
  const rows: Record<string, unknown> = {};
  for (const trial of trials) {
    const values: Record<string, unknown> =
      objectives.length > 1
        ? Object.fromEntries(
            objectives.map((_, index) => [`values_${index}`, trial.values?.[index] ?? null]),
          )
        : { value: trial.values?.[0] ?? null };
    rows[String(trial.number)] = {
      number: trial.number,
      ...values,
      user_attrs_hardware_metrics: trial.hardwareMetrics,
      user_attrs_sampled_config: trial.sampledConfig,
      user_attrs_scaled_metrics: trial.scaledMetrics,
      user_attrs_software_metrics: trial.softwareMetrics,
      state: trial.state === 'complete' ? 'COMPLETE' : 'FAIL',
      datetime_start: millis(trial.start),
      datetime_complete: millis(trial.complete),
      duration: millis(trial.complete) - millis(trial.start),
      ...(trial.error ? { user_attrs_error: trial.error } : {}),
    };
  }
  return JSON.stringify(rows, null, 4) + '\n';
}

/** MASE's `best.json`: the best trial, or the Pareto set, with their metrics and configs. */
export function bestJson(
  best: readonly StudyTrial[],
  objectives: readonly SearchObjective[],
): string {
  const rows: Record<string, unknown> = {};
  best.forEach((trial, index) => {
    rows[String(index)] = {
      number: trial.number,
      value: objectives.length > 1 ? trial.values : trial.values?.[0],
      software_metrics: trial.softwareMetrics,
      hardware_metrics: trial.hardwareMetrics,
      scaled_metrics: trial.scaledMetrics,
      sampled_config: trial.sampledConfig,
    };
  });
  return JSON.stringify(rows, null, 4) + '\n';
}

function csvCell(value: string | number | boolean | undefined): string {
  const text = value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A row per trial: number, state, objective values, every metric and every parameter. */
export function trialsCsv(
  trials: readonly StudyTrial[],
  objectives: readonly SearchObjective[],
): string {
  const metrics = [
    ...new Set(
      trials.flatMap((trial) =>
        Object.keys({ ...trial.softwareMetrics, ...trial.hardwareMetrics }),
      ),
    ),
  ];
  const params = [...new Set(trials.flatMap((trial) => Object.keys(trial.params)))];
  const header = [
    'number',
    'state',
    ...objectives.map((objective) => `value_${objective.name}`),
    ...metrics,
    ...params,
    'duration_ms',
  ];
  const lines = trials.map((trial) => {
    const all: Record<string, number> = { ...trial.softwareMetrics, ...trial.hardwareMetrics };
    return [
      trial.number,
      trial.state,
      ...objectives.map((_, index) => trial.values?.[index]),
      ...metrics.map((name) => all[name]),
      ...params.map((name) => trial.params[name]),
      millis(trial.complete) - millis(trial.start),
    ]
      .map(csvCell)
      .join(',');
  });
  return [header.map(csvCell).join(','), ...lines].join('\n') + '\n';
}

/** Writes `log.json`, `best.json` and `trials.csv` into `dir`, each whole or not at all. */
export async function writeSearchOutputs(
  dir: string,
  trials: readonly StudyTrial[],
  objectives: readonly SearchObjective[],
): Promise<{ files: string[]; best: StudyTrial[] }> {
  const best = bestTrials(trials, objectives);
  const files = [
    [SEARCH_FILES.log, logJson(trials, objectives)],
    [SEARCH_FILES.best, bestJson(best, objectives)],
    [SEARCH_FILES.csv, trialsCsv(trials, objectives)],
  ] as const;
  for (const [name, text] of files) await writeFileAtomic(path.join(dir, name), text);
  return { files: files.map(([name]) => path.join(dir, name)), best };
}
