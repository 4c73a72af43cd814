import { listRuns, readMetrics, runPaths, type RunInfo } from '@machop/runs';
import { curveEnds, stats, type Stats } from '@machop/runs/series';
import type { ParameterValue } from './parameters.js';
import { defaultGoal, type Point, type SweepMetric } from './plan.js';
import { FINISHED } from './store.js';

/** Final and best value of a metric over a point's seeds: each as mean ± std (and extremes). */
export interface MetricCell {
  final: Stats | null;
  best: Stats | null;
}

/** A seed singled out in a row: the trial and its final value of the sweep metric. */
export interface SeedPick {
  seed: number;
  trial: string;
  value: number;
}

/** One point of a sweep, summarised over its finished seeds. */
export interface TableRow {
  point: Point;
  /** Finished trials (runs) that make up the row, with their seeds. */
  trials: string[];
  seeds: number[];
  /** By metric name: the sweep metric, `val_acc_epoch` and `test_acc_epoch`. */
  metrics: Record<string, MetricCell>;
  bestSeed: SeedPick | null;
  worstSeed: SeedPick | null;
  epochs: Stats | null;
  wallTimeSeconds: Stats | null;
  samplesPerSecond: Stats | null;
}

/**
 * A sweep's table: one row per point, in the order of the swept values (numbers ascending, text
 * in natural order), with the best row by the sweep metric's final mean marked by `best`.
 */
export interface SweepTable {
  metric: SweepMetric;
  /** The metrics in each row's `metrics`, the sweep metric first. */
  metricNames: string[];
  /** Settings that vary between points: the point columns. */
  parameters: string[];
  rows: TableRow[];
  /** Index in `rows` of the best point by the sweep metric's final mean, or null before any. */
  best: number | null;
  computedAt: string;
}

const TABLE_METRICS = ['val_acc_epoch', 'test_acc_epoch'];

function key(point: Point): string {
  return JSON.stringify(
    Object.keys(point)
      .sort()
      .map((name) => [name, point[name]]),
  );
}

function modeOf(metric: string, goal?: SweepMetric['goal']): 'min' | 'max' {
  if (goal) return goal === 'maximize' ? 'max' : 'min';
  return defaultGoal(metric) === 'minimize' ? 'min' : 'max';
}

/** The final and best (by `mode`) value of each metric in a run's metrics.jsonl. */
export async function runMetricEnds(
  run: RunInfo,
  metrics: readonly string[],
  modes: Record<string, 'min' | 'max'> = {},
): Promise<Record<string, { final: number | null; best: number | null }>> {
  const records = await readMetrics(runPaths(run.dir).metrics);
  const result: Record<string, { final: number | null; best: number | null }> = {};
  for (const name of metrics) {
    const own = records.filter((record) => record.name === name);
    const ends = curveEnds(
      { x: own.map((record) => record.step), y: own.map((record) => record.value) },
      modes[name] ?? modeOf(name),
    );
    result[name] = { final: ends.final, best: ends.best };
  }
  return result;
}

/**
 * Compute a sweep's table from its trials' run folders (never from a copy kept apart): the
 * finished runs of the sweep, grouped by point; per point the final and best of the sweep metric
 * and of validation and test accuracy over seeds (mean ± std via `stats`), the best and worst
 * seed by the sweep metric's final value, epochs, wall time and samples/s.
 */
export async function computeSweepTable(
  projectDir: string,
  project: string,
  sweep: string,
  metric: SweepMetric,
): Promise<SweepTable> {
  const runs = (await listRuns(projectDir, { project, sweep })).filter(
    (run) => FINISHED.includes(run.status) && run.config.sweep,
  );
  const metricNames = [metric.name, ...TABLE_METRICS.filter((name) => name !== metric.name)];
  const modes = { [metric.name]: modeOf(metric.name, metric.goal) };
  const groups = new Map<string, { point: Point; runs: RunInfo[] }>();
  for (const run of runs) {
    const point = run.config.sweep!.point as Point;
    const group = groups.get(key(point)) ?? { point, runs: [] };
    group.runs.push(run);
    groups.set(key(point), group);
  }
  const better = (a: number, b: number) => (metric.goal === 'maximize' ? a > b : a < b);
  const rows: TableRow[] = [];
  for (const { point, runs: members } of groups.values()) {
    members.sort((a, b) => a.config.sweep!.seed - b.config.sweep!.seed);
    const ends = await Promise.all(members.map((run) => runMetricEnds(run, metricNames, modes)));
    const metrics: Record<string, MetricCell> = {};
    for (const name of metricNames)
      metrics[name] = {
        final: stats(ends.map((end) => end[name].final)) ?? null,
        best: stats(ends.map((end) => end[name].best)) ?? null,
      };
    let bestSeed: SeedPick | null = null;
    let worstSeed: SeedPick | null = null;
    members.forEach((run, index) => {
      const value = ends[index][metric.name].final;
      if (value === null) return;
      const pick = { seed: run.config.sweep!.seed, trial: run.id, value };
      if (!bestSeed || better(value, bestSeed.value)) bestSeed = pick;
      if (!worstSeed || better(worstSeed.value, value)) worstSeed = pick;
    });
    const summaries = members.map((run) => run.summary);
    rows.push({
      point,
      trials: members.map((run) => run.id),
      seeds: members.map((run) => run.config.sweep!.seed),
      metrics,
      bestSeed,
      worstSeed,
      epochs: stats(summaries.map((summary) => summary?.epochs)) ?? null,
      wallTimeSeconds: stats(summaries.map((summary) => summary?.wallTimeSeconds)) ?? null,
      samplesPerSecond: stats(summaries.map((summary) => summary?.samplesPerSecond)) ?? null,
    });
  }
  const parameters = [...new Set(rows.flatMap((row) => Object.keys(row.point)))];
  // A study reads along its swept values: rows go by the first swept setting, then the next,
  // numbers ascending and text in natural order (bs64 before bs1024).
  rows.sort((a, b) => {
    for (const name of parameters) {
      const order = compareValues(a.point[name], b.point[name]);
      if (order !== 0) return order;
    }
    return 0;
  });
  const score = (row: TableRow) => row.metrics[metric.name].final?.mean;
  let best: number | null = null;
  rows.forEach((row, index) => {
    const value = score(row);
    if (value === undefined) return;
    if (best === null || better(value, score(rows[best])!)) best = index;
  });
  return { metric, metricNames, parameters, rows, best, computedAt: new Date().toISOString() };
}

const natural = new Intl.Collator('en', { numeric: true });

/** Swept values in reading order: numbers ascending, then text naturally, a missing value last. */
function compareValues(a: ParameterValue | undefined, b: ParameterValue | undefined): number {
  if (a === b) return 0;
  if (a === undefined || b === undefined) return a === undefined ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number' || typeof b === 'number') return typeof a === 'number' ? -1 : 1;
  return natural.compare(String(a), String(b));
}

function csvCell(value: ParameterValue | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The table as CSV, one row per point: point values, seeds, then mean and std of every cell. */
export function sweepCsv(table: SweepTable): string {
  const header = [...table.parameters, 'seeds'];
  for (const name of table.metricNames)
    for (const end of ['final', 'best']) header.push(`${name}_${end}_mean`, `${name}_${end}_std`);
  header.push(
    'best_seed',
    'worst_seed',
    'epochs_mean',
    'wall_time_seconds_mean',
    'samples_per_second_mean',
  );
  const lines = [header.join(',')];
  for (const row of table.rows) {
    const cells: (ParameterValue | number | null | undefined)[] = [
      ...table.parameters.map((name) => row.point[name]),
      row.seeds.join(' '),
    ];
    for (const name of table.metricNames)
      for (const end of ['final', 'best'] as const)
        cells.push(row.metrics[name][end]?.mean, row.metrics[name][end]?.std);
    cells.push(
      row.bestSeed?.seed,
      row.worstSeed?.seed,
      row.epochs?.mean,
      row.wallTimeSeconds?.mean,
      row.samplesPerSecond?.mean,
    );
    lines.push(cells.map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}
