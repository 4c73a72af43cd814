// The lines the chart draws, from the runs' points: each selected run's curve, or one mean curve
// and band per group of repeats. The curves themselves (x as step, epoch from 1 or wall time,
// smoothing, mean and band over repeats) come from @machop/runs' curve model, as in `ch plot`.
import { curveOf, repeatsCurve, type Band, type XAxis } from '@machop/runs/curves';
import { groupBySettings } from '@machop/runs/groups';
import { smooth, type Curve, type Numbers, type Values } from '@machop/runs/series';
import type { RunView } from '../api-types';
import type { TypedColumns } from '../binary-metrics';
import { legendNames, settingsOf } from './settings';

/** Each run's points, by metric, as the page holds them (see MetricStore). */
export type RunData = ReadonlyMap<string, Record<string, TypedColumns>>;

/** A line to draw: a run's curve or a group's mean, with what the legend and exports need. */
export interface Line {
  key: string;
  label: string;
  color: string;
  x: Numbers;
  /** What is drawn (smoothed). */
  y: Values;
  /** The unsmoothed values, drawn faint behind when smoothing is on. */
  raw: Values;
  /** For a group: the band around the mean and how many runs it has. */
  band?: { lower: number[]; upper: number[]; runs: string[] };
}

export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
];

interface CachedCurve {
  x: Numbers;
  raw: Values;
  y: Values;
}

// A run's points for one metric are a new object whenever they grow, so curves computed from
// them can be kept until then: switching back to a metric costs no sorting or smoothing.
const curveCache = new WeakMap<TypedColumns, Map<string, CachedCurve>>();

function firstTime(series: Record<string, TypedColumns>): number | undefined {
  let first: number | undefined;
  for (const columns of Object.values(series))
    if (columns.time.length > 0 && (first === undefined || columns.time[0] < first))
      first = columns.time[0];
  return first;
}

/** A run's curve of `metric` over `x`, unsmoothed: empty when its points are not here (yet). */
function runCurve(run: RunView, data: RunData, metric: string, x: XAxis): Curve {
  const series = data.get(run.id);
  const columns = series?.[metric];
  if (!series || !columns) return { x: [], y: [] };
  return curveOf(columns, {
    x,
    stepsPerEpoch: run.stepsPerEpoch ?? undefined,
    start: firstTime(series),
  });
}

/** A run's curve, and the same smoothed; cached until its points change. */
function smoothedCurve(
  run: RunView,
  data: RunData,
  metric: string,
  x: XAxis,
  smoothing: number,
): CachedCurve {
  const columns = data.get(run.id)?.[metric];
  const cacheKey = `${x} ${smoothing}`;
  const cached = columns ? curveCache.get(columns)?.get(cacheKey) : undefined;
  if (cached) return cached;
  const curve = runCurve(run, data, metric, x);
  const result = { x: curve.x, raw: curve.y, y: smooth(curve.y, smoothing) };
  if (columns) {
    const byKey = curveCache.get(columns) ?? new Map<string, CachedCurve>();
    byKey.set(cacheKey, result);
    curveCache.set(columns, byKey);
  }
  return result;
}

/** Each selected run's curve of `metric`, smoothed with TensorBoard's debiased EMA. */
export function runLines(
  runs: readonly RunView[],
  data: RunData,
  metric: string,
  x: XAxis,
  smoothing: number,
): Line[] {
  const names = legendNames(runs);
  return runs.map((run, index) => ({
    key: run.id,
    label: names.get(run.id) ?? run.id,
    color: PALETTE[index % PALETTE.length],
    ...smoothedCurve(run, data, metric, x, smoothing),
  }));
}

/**
 * One line per value of the setting `key` among the runs: the mean of the repeats' smoothed
 * curves with the band of their spread (`repeatsCurve` of @machop/runs, as `ch plot` draws it).
 * A group that mixes other settings says which in its label.
 */
export function groupLines(
  runs: readonly RunView[],
  data: RunData,
  metric: string,
  x: XAxis,
  smoothing: number,
  key: string,
  band: Band,
): Line[] {
  const { groups } = groupBySettings(runs, settingsOf, [key]);
  return groups.map((group, index) => {
    const curve = repeatsCurve(
      group.runs.map((run) => ({
        ...runCurve(run, data, metric, x),
        // Repeats reach a step at different times: on a time axis they line up by step.
        at: x === 'time' ? runCurve(run, data, metric, 'step').x : undefined,
      })),
      smoothing,
      band,
    );
    const mixed = group.mixed.length > 0 ? `, mixing ${group.mixed.join(', ')}` : '';
    return {
      key: `group:${group.label}`,
      label: `${group.label} (n=${group.runs.length}${mixed})`,
      color: PALETTE[index % PALETTE.length],
      x: curve.x,
      y: curve.y,
      raw: curve.raw,
      band: {
        lower: curve.low ?? curve.y,
        upper: curve.high ?? curve.y,
        runs: group.runs.map((run) => run.id),
      },
    };
  });
}

/** Every metric name known for these runs: logged ones, and those in their summaries. */
export function metricNames(
  runs: readonly RunView[],
  data: RunData,
  loadedNames: ReadonlyMap<string, readonly string[]>,
): string[] {
  const names = new Set<string>();
  for (const run of runs) {
    for (const name of Object.keys(run.summary?.final ?? {})) names.add(name);
    for (const name of loadedNames.get(run.id) ?? []) names.add(name);
    for (const name of Object.keys(data.get(run.id) ?? {})) names.add(name);
  }
  return [...names].sort();
}

/** The lines as CSV: one row per point (long format), with smoothed values and bands. */
export function linesToCsv(lines: readonly Line[], metric: string, x: XAxis): string {
  const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const rows = [`series,metric,${x},value,smoothed,lower,upper`];
  for (const line of lines) {
    line.x.forEach((value, index) => {
      rows.push(
        [
          quote(line.label),
          metric,
          value,
          line.raw[index] ?? '',
          line.y[index] ?? '',
          line.band?.lower[index] ?? '',
          line.band?.upper[index] ?? '',
        ].join(','),
      );
    });
  }
  return rows.join('\n') + '\n';
}
