// What the page computes from runs and their metrics, with no DOM: parameters to group and name
// runs by, and the curves to draw. Smoothing and aggregation come from @machop/runs/series, the
// code `ch plot` uses, so the page and the figures agree.
import { aggregate, smooth, type Curve, type Numbers, type Values } from '@machop/runs/series';
import type { RunView } from '../api-types';
import type { TypedColumns } from '../binary-metrics';

export type XAxis = 'step' | 'epoch' | 'time';
export type Band = 'minmax' | 'std';
export type ParamValue = string | number | boolean | null;

const SKIPPED_OPTIONS = new Set(['model', 'dataset', 'modelOptions', 'datasetOptions']);

function flatten(prefix: string, value: unknown, into: Record<string, ParamValue>): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    into[prefix] =
      value === undefined
        ? null
        : typeof value === 'object'
          ? JSON.stringify(value)
          : (value as ParamValue);
    return;
  }
  for (const [key, inner] of Object.entries(value as Record<string, unknown>))
    flatten(prefix ? `${prefix}.${key}` : key, inner, into);
}

/**
 * A run's configuration as flat keys: `model`, `dataset`, the trainer options in camelCase
 * (`batchSize`, `learningRate`, `seed`, `split.seed`...), `model.<option>`, `dataset.<option>`,
 * and for a sweep trial `sweep`. These are what the page groups, names and tabulates runs by.
 */
export function params(run: RunView): Record<string, ParamValue> {
  // Asked for often (tables, filters, legends) and the same until the run list is fetched again.
  let result = paramsCache.get(run);
  if (!result) {
    result = readParams(run);
    paramsCache.set(run, result);
  }
  return result;
}

const paramsCache = new WeakMap<RunView, Record<string, ParamValue>>();

function readParams(run: RunView): Record<string, ParamValue> {
  const result: Record<string, ParamValue> = {
    project: run.project,
    model: run.model.name,
    dataset: run.dataset.name,
  };
  for (const [key, value] of Object.entries(run.options))
    if (!SKIPPED_OPTIONS.has(key)) flatten(key, value, result);
  if (run.model.options && typeof run.model.options === 'object')
    flatten('model', run.model.options, result);
  if (run.dataset.options && typeof run.dataset.options === 'object')
    flatten('dataset', run.dataset.options, result);
  if (run.sweep) result.sweep = run.sweep.id;
  result.backend = run.backend;
  return result;
}

/** Keys whose values differ between `runs`, in a stable order (sweep points' keys first). */
export function varyingKeys(runs: readonly RunView[]): string[] {
  if (runs.length < 2) return [];
  const all = runs.map(params);
  const keys = new Set(all.flatMap((entry) => Object.keys(entry)));
  // Values are primitives (objects are flattened or written as JSON text): compare them as they are.
  const varying = [...keys].filter((key) => {
    const first = all[0][key] ?? null;
    return all.some((entry) => (entry[key] ?? null) !== first);
  });
  const swept = new Set(runs.flatMap((run) => Object.keys(run.sweep?.point ?? {}).map(camelCase)));
  const rank = (key: string) =>
    swept.has(key) ? 0 : key === 'seed' ? 1 : key.includes('.') ? 3 : 2;
  return varying.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

export function formatValue(value: ParamValue | undefined): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number')
    return Number.isInteger(value)
      ? String(value)
      : value.toPrecision(4).replace(/\.?0+(e|$)/, '$1');
  return String(value);
}

/**
 * A name for each run that tells it apart from the others shown: the values that differ between
 * them (a sweep trial's point and seed), or the run id when nothing differs.
 */
export function legendNames(runs: readonly RunView[]): Map<string, string> {
  const keys = varyingKeys(runs).slice(0, 4);
  const names = new Map<string, string>();
  for (const run of runs) {
    const entry = params(run);
    // A run given a name (`ch train --name`) is called by it.
    const label = run.name ?? keys.map((key) => `${key}=${formatValue(entry[key])}`).join(' ');
    names.set(run.id, label || run.run);
  }
  // Two runs that differ only in keys past the fourth would share a name: add their ids.
  const seen = new Map<string, number>();
  for (const name of names.values()) seen.set(name, (seen.get(name) ?? 0) + 1);
  for (const run of runs) {
    const name = names.get(run.id)!;
    if ((seen.get(name) ?? 0) > 1 && name !== run.run) names.set(run.id, `${name} (${run.run})`);
  }
  return names;
}

/** One metric of one run as a curve over the chosen x: step, epoch (fractional is fine) or seconds since start. */
export function curveOf(columns: TypedColumns | undefined, x: XAxis, start?: number): Curve {
  if (!columns) return { x: [], y: [] };
  const xs =
    x === 'time'
      ? columns.time.map((time) => time - (start ?? columns.time[0] ?? 0))
      : x === 'epoch'
        ? columns.epoch
        : columns.step;
  return { x: xs, y: columns.value };
}

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

/** Sorted by x, as uPlot wants; values logged twice at one x keep the last. */
function ordered(curve: Curve): Curve {
  let increasing = true;
  for (let index = 1; index < curve.x.length && increasing; index++)
    increasing = curve.x[index] > curve.x[index - 1];
  // Already in order (the usual case): the points are only read from here on, so no copy.
  if (increasing) return curve;
  const byX = new Map<number, number | null>();
  curve.x.forEach((x, index) => byX.set(x, curve.y[index] ?? null));
  const x = [...byX.keys()];
  let sorted = true;
  for (let index = 1; index < x.length; index++) if (x[index] < x[index - 1]) sorted = false;
  if (!sorted) x.sort((a, b) => a - b);
  return { x, y: x.map((value) => byX.get(value) ?? null) };
}

interface CachedCurve {
  x: Numbers;
  raw: Values;
  y: Values;
}

// A run's points for one metric are a new object whenever they grow, so curves computed from
// them can be kept until then: switching back to a metric costs no sorting or smoothing.
const curveCache = new WeakMap<TypedColumns, Map<string, CachedCurve>>();

/** Each selected run's curve of `metric`, smoothed with TensorBoard's debiased EMA. */
export function runLines(
  runs: readonly RunView[],
  data: ReadonlyMap<string, Record<string, TypedColumns>>,
  metric: string,
  x: XAxis,
  smoothing: number,
): Line[] {
  const names = legendNames(runs);
  return runs.map((run, index) => {
    const series = data.get(run.id);
    const columns = series?.[metric];
    const cacheKey = `${x} ${smoothing}`;
    let curve = columns ? curveCache.get(columns)?.get(cacheKey) : undefined;
    if (!curve) {
      const start = series ? firstTime(series) : undefined;
      const sorted = ordered(curveOf(columns, x, start));
      curve = { x: sorted.x, raw: sorted.y, y: smooth(sorted.y, smoothing) };
      if (columns) {
        const cached = curveCache.get(columns) ?? new Map<string, CachedCurve>();
        cached.set(cacheKey, curve);
        curveCache.set(columns, cached);
      }
    }
    return {
      key: run.id,
      label: names.get(run.id) ?? run.id,
      color: PALETTE[index % PALETTE.length],
      ...curve,
    };
  });
}

function firstTime(series: Record<string, TypedColumns>): number | undefined {
  let first: number | undefined;
  for (const columns of Object.values(series))
    if (columns.time.length > 0 && (first === undefined || columns.time[0] < first))
      first = columns.time[0];
  return first;
}

/**
 * One line per value of `key` among the runs: each repeat is smoothed, then the repeats are
 * aggregated at each x (mean, and min–max or mean ± std as the band), as `ch plot` does.
 */
export function groupLines(
  runs: readonly RunView[],
  data: ReadonlyMap<string, Record<string, TypedColumns>>,
  metric: string,
  x: XAxis,
  smoothing: number,
  key: string,
  band: Band,
): Line[] {
  const groups = new Map<string, RunView[]>();
  for (const run of runs) {
    const label = `${key}=${formatValue(params(run)[key])}`;
    const list = groups.get(label);
    if (list) list.push(run);
    else groups.set(label, [run]);
  }
  const labels = [...groups.keys()].sort((a, b) =>
    a.localeCompare(b, undefined, { numeric: true }),
  );
  return labels.map((label, index) => {
    const members = groups.get(label)!;
    const lines = runLines(members, data, metric, x, smoothing);
    const smoothed = aggregate(lines.map((line) => ({ x: line.x, y: line.y })));
    const raw = aggregate(lines.map((line) => ({ x: line.x, y: line.raw })));
    const rawMean = new Map(raw.x.map((value, at) => [value, raw.mean[at]]));
    return {
      key: `group:${label}`,
      label: `${label} (n=${members.length})`,
      color: PALETTE[index % PALETTE.length],
      x: smoothed.x,
      y: smoothed.mean,
      raw: smoothed.x.map((value) => rawMean.get(value) ?? null),
      band: {
        lower:
          band === 'std' ? smoothed.mean.map((mean, at) => mean - smoothed.std[at]) : smoothed.min,
        upper:
          band === 'std' ? smoothed.mean.map((mean, at) => mean + smoothed.std[at]) : smoothed.max,
        runs: members.map((run) => run.id),
      },
    };
  });
}

/** Every metric name known for these runs: logged ones, and those in their summaries. */
export function metricNames(
  runs: readonly RunView[],
  data: ReadonlyMap<string, Record<string, TypedColumns>>,
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

/** The selected curves as CSV: one row per point (long format), with smoothed values and bands. */
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
