/**
 * The one curve model of Machop.ts: what the x of a logged value is (the step, the epoch counted
 * from 1, or the seconds since the run started), and how repeats of one setting become a mean
 * curve with a band. `ch plot` and the dashboard's page both draw from here, so a figure and the
 * page show the same numbers. No Node imports: this module also runs in a browser.
 *
 * @packageDocumentation
 */
import { aggregate, smooth, type Curve, type Numbers, type Values } from './series.js';

/** What the x axis of a learning curve counts. */
export type XAxis = 'epoch' | 'step' | 'time';
/** Every {@link XAxis}, in the order a menu lists them. */
export const X_AXES: readonly XAxis[] = ['epoch', 'step', 'time'];

/** The spread over repeats a band shows: the range of the runs, or one standard deviation. */
export type Band = 'minmax' | 'std';
/** Every {@link Band}. */
export const BANDS: readonly Band[] = ['minmax', 'std'];

/** One metric of one run as logged, column by column (plain or typed arrays). */
export interface MetricColumns {
  /** The optimizer steps done when each value was logged. */
  step: Numbers;
  /** The epoch (from 0) during which each value was logged. */
  epoch: Numbers;
  /** Seconds since the Unix epoch; may be empty when the times were not read. */
  time: Numbers;
  value: Values;
}

/**
 * Optimizer steps in one epoch of a run, from its config.json: the training split's size over the
 * batch size, rounded up (the trainer's sampler keeps the last, smaller batch). Undefined when the
 * config does not say.
 */
export function stepsPerEpoch(config: {
  splitSizes?: { train?: number } | null;
  options?: { batchSize?: unknown } | null;
}): number | undefined {
  const train = config.splitSizes?.train;
  const batchSize = config.options?.batchSize;
  if (typeof train !== 'number' || typeof batchSize !== 'number' || train <= 0 || batchSize <= 0)
    return undefined;
  return Math.ceil(train / batchSize);
}

/** What {@link curveOf} needs besides the columns. */
export interface CurveOptions {
  x: XAxis;
  /** The run's {@link stepsPerEpoch}; without it, a value's epoch is its logged epoch + 1. */
  stepsPerEpoch?: number;
  /** Seconds since the Unix epoch when the run started; default: its first logged time. */
  start?: number;
}

/**
 * The x of each logged value. `epoch` counts epochs done, from 1: a value logged at the end of
 * the first epoch is at 1, one logged halfway through it at 0.5 (steps over steps per epoch).
 * `step` is the optimizer step; `time` the seconds since the run started. A typed column gives a
 * typed column.
 */
export function xValues(columns: MetricColumns, options: CurveOptions): Numbers {
  const { x, stepsPerEpoch: perEpoch } = options;
  if (x === 'step') return columns.step;
  if (x === 'time') {
    const start = options.start ?? columns.time[0] ?? 0;
    return mapNumbers(columns.time, (time) => time - start);
  }
  if (perEpoch !== undefined && perEpoch > 0)
    return mapNumbers(columns.step, (step) => step / perEpoch);
  return mapNumbers(columns.epoch, (epoch) => epoch + 1);
}

function mapNumbers(values: Numbers, change: (value: number) => number): Numbers {
  return values instanceof Float64Array ? values.map(change) : values.map(change);
}

/**
 * One run's curve of a metric over `options.x`, sorted by x as a chart wants it (a value logged
 * twice at one x keeps the last). Already sorted columns (the usual case) are not copied.
 */
export function curveOf(columns: MetricColumns, options: CurveOptions): Curve {
  return ordered({ x: xValues(columns, options), y: columns.value });
}

function ordered(curve: Curve): Curve {
  let increasing = true;
  for (let index = 1; index < curve.x.length && increasing; index++)
    increasing = curve.x[index] > curve.x[index - 1];
  if (increasing) return curve;
  const byX = new Map<number, number | null>();
  curve.x.forEach((x, index) => byX.set(x, curve.y[index] ?? null));
  const x = [...byX.keys()].sort((a, b) => a - b);
  return { x, y: x.map((value) => byX.get(value) ?? null) };
}

/**
 * Whether a metric was logged at most once an epoch in every run (`val_acc_epoch`), given each
 * run's epoch column: such a metric is drawn over epochs by default, with whole-epoch ticks.
 */
export function loggedPerEpoch(epochs: Iterable<Numbers>): boolean {
  let any = false;
  for (const run of epochs) {
    const seen = new Set<number>();
    for (const epoch of run) {
      if (seen.has(epoch)) return false;
      seen.add(epoch);
      any = true;
    }
  }
  return any;
}

/** The x axis a metric is drawn over when none is asked for: epochs for a per-epoch metric. */
export function defaultXAxis(epochs: Iterable<Numbers>): XAxis {
  return loggedPerEpoch(epochs) ? 'epoch' : 'step';
}

/** A curve made of repeats: their smoothed mean, and the band of their spread. */
export interface RepeatsCurve {
  x: number[];
  /** The mean of the repeats' smoothed curves. */
  y: number[];
  /** The mean of the repeats' values as logged. */
  raw: number[];
  /** The band's edges, present when there was more than one repeat. */
  low?: number[];
  high?: number[];
  /** How many repeats had a value at each x. */
  count: number[];
}

/** One repeat for {@link repeatsCurve}: its curve, and what repeats line up by. */
export interface Repeat extends Curve {
  /**
   * Where repeats line up, one per point: the step, when x is time (repeats reach a step at
   * different times; the curve's x is then their mean time). Default: x itself.
   */
  at?: Numbers;
}

/**
 * Repeats of one setting (seeds) as one curve: each repeat is smoothed with TensorBoard's
 * debiased EMA, then at each x the mean of the smoothed values is drawn, with the band of their
 * min–max or mean ± std. A repeat that ended early stops counting there.
 */
export function repeatsCurve(
  repeats: readonly Repeat[],
  smoothing: number,
  band: Band,
): RepeatsCurve {
  const present = repeats.filter((repeat) => repeat.x.length > 0);
  const at = (repeat: Repeat) => repeat.at ?? repeat.x;
  const keyed = (values: (repeat: Repeat) => Values) =>
    aggregate(present.map((repeat) => ({ x: at(repeat), y: values(repeat) })));
  const smoothed = keyed((repeat) => smooth(repeat.y, smoothing));
  const raw = keyed((repeat) => repeat.y);
  const xs = keyed((repeat) => repeat.x);
  const rawAt = new Map(raw.x.map((x, index) => [x, raw.mean[index]]));
  const xAt = new Map(xs.x.map((x, index) => [x, xs.mean[index]]));
  const result: RepeatsCurve = {
    x: smoothed.x.map((key) => xAt.get(key) ?? key),
    y: smoothed.mean,
    raw: smoothed.x.map((key, index) => rawAt.get(key) ?? smoothed.mean[index]),
    count: smoothed.count,
  };
  if (present.length > 1) {
    result.low =
      band === 'std'
        ? smoothed.mean.map((mean, index) => mean - smoothed.std[index])
        : smoothed.min;
    result.high =
      band === 'std'
        ? smoothed.mean.map((mean, index) => mean + smoothed.std[index])
        : smoothed.max;
  }
  return result;
}

const WORDS: Record<string, string> = {
  val: 'validation',
  acc: 'accuracy',
  train: 'training',
  lr: 'learning rate',
  f1: 'F1',
  auc: 'AUC',
};

/**
 * A metric's name as an axis says it: `val_acc_epoch` → `validation accuracy`, `train_loss_step`
 * → `training loss (per step)`. A name it does not know is kept, with `_` as spaces.
 */
export function metricLabel(metric: string): string {
  const parts = metric.split('_').filter(Boolean);
  let suffix = '';
  if (parts.length > 1 && parts.at(-1) === 'epoch') parts.pop();
  else if (parts.length > 1 && parts.at(-1) === 'step') {
    parts.pop();
    suffix = ' (per step)';
  }
  return parts.map((part) => WORDS[part] ?? part).join(' ') + suffix;
}

/** An x axis as a figure labels it. */
export function xAxisLabel(x: XAxis): string {
  return x === 'time' ? 'wall time (s)' : x;
}
