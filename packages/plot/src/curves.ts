import { ConfigError } from '@machop/core';
import {
  automaticSmoothing,
  BANDS,
  curveOf,
  repeatsCurve,
  stepsPerEpoch,
  X_AXES,
  type Band,
  type Curve,
  type MetricColumns,
  type XAxis,
} from '@machop/runs';
import type { PlotRun } from './runs.js';
import { groupRuns, type RunGroup } from './groups.js';

export { X_AXES, BANDS, type XAxis, type Band } from '@machop/runs';

/** Every metric name any of the runs logged, sorted. */
export function loggedMetrics(runs: readonly PlotRun[]): string[] {
  return [...new Set(runs.flatMap(({ records }) => records.map((record) => record.name)))].sort();
}

/** Throw the ConfigError a user needs when no run logged `metric`: it lists those that were. */
export function checkMetric(runs: readonly PlotRun[], metric: string): void {
  if (runs.some(({ records }) => records.some((record) => record.name === metric))) return;
  const logged = loggedMetrics(runs);
  throw new ConfigError(
    `no run logged the metric ${metric}; ` +
      (logged.length > 0
        ? `logged metrics: ${logged.join(', ')}`
        : 'none of the runs has logged anything yet'),
  );
}

/** `metric` of one run as columns, in the order it was logged. */
function columnsOf(plotRun: PlotRun, metric: string): MetricColumns {
  const records = plotRun.records
    .filter((record) => record.name === metric)
    .sort((a, b) => a.step - b.step);
  return {
    step: records.map((record) => record.step),
    epoch: records.map((record) => record.epoch),
    time: records.map((record) => record.time),
    value: records.map((record) => record.value),
  };
}

/**
 * One run's curve of `metric` over `x`, by `@machop/runs`' curve model (the dashboard's too): the
 * optimizer step, the epoch counted from 1 (fractional inside an epoch: an epoch metric lands on
 * 1, 2, ... when that many epochs are done), or the seconds since the run was created. null
 * values (NaN or infinite when logged) stay null.
 */
export function metricCurve(plotRun: PlotRun, metric: string, x: XAxis): Curve {
  const start = Date.parse(plotRun.run.config.createdAt) / 1000;
  return curveOf(columnsOf(plotRun, metric), {
    x,
    stepsPerEpoch: stepsPerEpoch(plotRun.run.config),
    start: Number.isFinite(start) ? start : undefined,
  });
}

/** One point of a drawn curve. */
export interface LinePoint {
  x: number;
  /** The smoothed value (the smoothed curves' mean, for a group of repeats). */
  y: number;
  /** The same before smoothing, drawn faint behind. */
  raw: number;
  /** The band's edges; absent for a curve of one run. */
  low?: number;
  high?: number;
  /** How many runs had a value here. */
  count: number;
}

/** A curve of a line plot: one run, or the mean of a group of runs. */
export interface LineCurve {
  /** The legend's name: the settings that set this curve apart (`batch-size=64`). */
  label: string;
  /** Ids of the runs it is made from. */
  runs: string[];
  points: LinePoint[];
  /** Settings besides the grouping ones and the seed that differ between its runs: its mean mixes them. */
  mixed: string[];
}

/** Everything a line plot shows, ready to be turned into a Vega-Lite spec. */
export interface LinePlot {
  metric: string;
  x: XAxis;
  smoothing: number;
  /** The band drawn for groups of more than one run, or null when every curve is one run. */
  band: Band | null;
  /** The settings curves are named by. */
  keys: string[];
  /** Largest number of runs in one curve. */
  repeats: number;
  curves: LineCurve[];
  /** Whether a log y axis fits: every value positive, spanning at least two decades. */
  logY: boolean;
}

/** What {@link linePlot} draws. */
export interface LinePlotOptions {
  /** Metric name as logged, such as `val_acc_epoch`. */
  metric: string;
  x?: XAxis;
  /** TensorBoard smoothing weight in [0, 1); 0 draws the values as logged. Default: {@link defaultSmoothing}. */
  smoothing?: number;
  /** Settings (kebab or camel case) whose runs are averaged together; default: all but the seed. */
  groupBy?: readonly string[];
  band?: Band;
}

/**
 * The smoothing a plot of `metric` gets when none is asked for: TensorBoard's 0.6 for a metric
 * logged several times an epoch (noisy per-step values), none for one logged once an epoch
 * (each value already averages a whole epoch, and there are few of them).
 */
export function defaultSmoothing(runs: readonly PlotRun[], metric: string): number {
  return automaticSmoothing(
    runs.map(({ records }) =>
      records.filter((record) => record.name === metric).map((record) => record.epoch),
    ),
  );
}

/** Check a smoothing weight, with the message a user typing `--smooth` needs. */
export function checkSmoothing(weight: number): number {
  if (!(Number.isFinite(weight) && weight >= 0 && weight < 1))
    throw new ConfigError(
      `--smooth ${weight}: the smoothing weight must be at least 0 and below 1 (TensorBoard's slider; 0 is no smoothing, 0.6 its default)`,
    );
  return weight;
}

function groupCurve(group: RunGroup, options: Required<Omit<LinePlotOptions, 'groupBy'>>) {
  const present = group.runs.filter((run) =>
    run.records.some((record) => record.name === options.metric),
  );
  if (present.length === 0) return undefined;
  // Repeats line up by step (and so by epoch); times differ between runs, so a time axis takes
  // the mean time at which the runs reached each step.
  const curve = repeatsCurve(
    present.map((run) => ({
      ...metricCurve(run, options.metric, options.x),
      at: options.x === 'time' ? metricCurve(run, options.metric, 'step').x : undefined,
    })),
    options.smoothing,
    options.band,
  );
  const points: LinePoint[] = curve.x.map((x, index) => {
    const point: LinePoint = {
      x,
      y: curve.y[index],
      raw: curve.raw[index],
      count: curve.count[index],
    };
    if (curve.low && curve.high) {
      point.low = curve.low[index];
      point.high = curve.high[index];
    }
    return point;
  });
  return { points, runs: present.length };
}

/**
 * A line plot of `metric` over the runs: one curve per run, or, where runs are repeats (they
 * differ only by seed, or share the `groupBy` settings), one curve per group: the mean of the
 * runs' smoothed curves, with a band of their spread computed by `@machop/runs`'s `repeatsCurve`,
 * as the dashboard does. Curves are named by the settings that differ between them.
 */
export function linePlot(runs: readonly PlotRun[], options: LinePlotOptions): LinePlot {
  const resolved = {
    metric: options.metric,
    x: options.x ?? 'epoch',
    smoothing: checkSmoothing(options.smoothing ?? defaultSmoothing(runs, options.metric)),
    band: options.band ?? 'minmax',
  };
  if (!X_AXES.includes(resolved.x))
    throw new ConfigError(`--x ${String(resolved.x)}: the x axis is one of ${X_AXES.join(', ')}`);
  if (!BANDS.includes(resolved.band))
    throw new ConfigError(
      `--band ${String(resolved.band)}: the band is one of ${BANDS.join(', ')}`,
    );
  if (runs.length === 0) throw new ConfigError('no runs to plot');
  checkMetric(runs, resolved.metric);
  const { groups, keys } = groupRuns(runs, options.groupBy);
  const curves: LineCurve[] = [];
  let repeats = 1;
  for (const group of groups) {
    const curve = groupCurve(group, resolved);
    if (!curve) continue;
    repeats = Math.max(repeats, curve.runs);
    curves.push({
      label: group.label,
      runs: group.runs.map(({ run }) => run.id),
      points: curve.points,
      mixed: group.mixed,
    });
  }
  const values = curves.flatMap((curve) =>
    curve.points.flatMap((point) => [point.raw, point.low ?? point.raw]),
  );
  const logY =
    values.length > 0 &&
    values.every((value) => value > 0) &&
    Math.max(...values) / Math.min(...values) >= 100;
  return {
    metric: resolved.metric,
    x: resolved.x,
    smoothing: resolved.smoothing,
    band: repeats > 1 ? resolved.band : null,
    keys,
    repeats,
    curves,
    logY,
  };
}

/**
 * The warning a plot needs when a curve averages runs that differ in more than the seed (as
 * `--group-by batch-size` does over two learning rates), naming the settings and how to split
 * them; undefined when no curve mixes settings.
 */
export function mixedSettingsWarning(plot: LinePlot): string | undefined {
  const mixed = plot.curves.filter((curve) => curve.mixed.length > 0);
  if (mixed.length === 0) return undefined;
  const settings = [...new Set(mixed.flatMap((curve) => curve.mixed))];
  return (
    `${mixed.length} of ${plot.curves.length} curves average runs with different ${settings.join(', ')} ` +
    `(${mixed.map((curve) => curve.label).join('; ')}); ` +
    `add ${settings.join(',')} to --group-by to draw them apart`
  );
}
