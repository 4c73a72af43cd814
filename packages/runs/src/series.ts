/**
 * Curves and their statistics, shared by `ch plot`, sweep tables and the dashboard so that all
 * three smooth and aggregate the same way. No Node imports: this module also runs in a browser.
 *
 * @packageDocumentation
 */

/** Numbers in a plain array, or in a typed array as the dashboard's binary answers hold them. */
export type Numbers = readonly number[] | Float64Array;

/** Values in a plain array (null where a value was not finite), or in a typed array. */
export type Values = readonly (number | null)[] | Float64Array;

/** Points of one curve; `y` is null (or not finite) where a value was not finite. */
export interface Curve {
  x: Numbers;
  y: Values;
}

/**
 * TensorBoard's smoothing: an exponential moving average debiased for its zero start, so the
 * first points are not pulled towards 0. `weight` is in [0, 1); 0 leaves the curve as it is.
 * Non-finite values pass through and do not enter the average. A constant curve is returned
 * unchanged (the average would only add rounding noise). The result is a new array of the same
 * kind: a Float64Array for a Float64Array, which spares a browser collecting 20 plain arrays of
 * 10,000 numbers.
 */
export function smooth(values: Float64Array, weight: number): Float64Array;
export function smooth(values: readonly (number | null)[], weight: number): (number | null)[];
export function smooth(values: Values, weight: number): Float64Array | (number | null)[];
export function smooth(values: Values, weight: number): Float64Array | (number | null)[] {
  if (!(weight >= 0 && weight < 1))
    throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  // Plain loops, no intermediate arrays: the dashboard smooths 20 curves of 10,000 points at once.
  let first: number | undefined;
  let constant = true;
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (value === null || !Number.isFinite(value)) continue;
    if (first === undefined) first = value;
    else if (value !== first) {
      constant = false;
      break;
    }
  }
  const typed = values instanceof Float64Array;
  if (weight === 0 || constant) return typed ? values.slice() : [...values];
  const result = typed ? new Float64Array(values.length) : new Array<number | null>(values.length);
  let average = 0;
  let count = 0;
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (value === null || !Number.isFinite(value)) {
      result[index] = value;
      continue;
    }
    average = average * weight + (1 - weight) * value;
    count += 1;
    result[index] = average / (1 - weight ** count);
  }
  return result;
}

/** TensorBoard's default smoothing weight. */
export const DEFAULT_SMOOTHING = 0.6;

/**
 * The smoothing a curve gets when none is asked for, the same in `ch plot` and the dashboard:
 * TensorBoard's 0.6 ({@link DEFAULT_SMOOTHING}) for a metric logged several times an epoch
 * (noisy per-step values), none for one logged once an epoch (each value already averages a whole
 * epoch, and there are few of them). `epochs` holds, for each run, the epoch of each value logged.
 */
export function automaticSmoothing(epochs: Iterable<Numbers>): number {
  for (const run of epochs) {
    const seen = new Set<number>();
    for (const epoch of run) {
      if (seen.has(epoch)) return DEFAULT_SMOOTHING;
      seen.add(epoch);
    }
  }
  return 0;
}

/** Mean, sample standard deviation (n - 1; 0 for one value), extremes and count of some values. */
export interface Stats {
  mean: number;
  std: number;
  min: number;
  max: number;
  count: number;
}

/** {@link Stats} of the finite values among `values`; undefined when there are none. */
export function stats(values: readonly (number | null | undefined)[]): Stats | undefined {
  const finite = values.filter(
    (value): value is number => typeof value === 'number' && Number.isFinite(value),
  );
  if (finite.length === 0) return undefined;
  const mean = finite.reduce((sum, value) => sum + value, 0) / finite.length;
  const squares = finite.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  return {
    mean,
    std: finite.length > 1 ? Math.sqrt(squares / (finite.length - 1)) : 0,
    min: Math.min(...finite),
    max: Math.max(...finite),
    count: finite.length,
  };
}

/** The statistics of several curves (repeats over seeds) at each x. */
export interface AggregateCurve {
  x: number[];
  mean: number[];
  std: number[];
  min: number[];
  max: number[];
  /** How many curves had a finite value at each x. */
  count: number[];
}

/**
 * Aggregate repeats: at every x that any curve has, the statistics of the curves' values there.
 * Repeats of one setting log at the same steps and epochs, so their x values line up; a curve
 * that ended early (a crashed or still-running seed) simply stops counting, as `count` shows.
 */
export function aggregate(curves: readonly Curve[]): AggregateCurve {
  const byX = new Map<number, number[]>();
  for (const curve of curves) {
    curve.x.forEach((x, index) => {
      const value = curve.y[index];
      if (value === null || value === undefined || !Number.isFinite(value)) return;
      const list = byX.get(x);
      if (list) list.push(value);
      else byX.set(x, [value]);
    });
  }
  const result: AggregateCurve = { x: [], mean: [], std: [], min: [], max: [], count: [] };
  for (const x of [...byX.keys()].sort((a, b) => a - b)) {
    const summary = stats(byX.get(x)!)!;
    result.x.push(x);
    result.mean.push(summary.mean);
    result.std.push(summary.std);
    result.min.push(summary.min);
    result.max.push(summary.max);
    result.count.push(summary.count);
  }
  return result;
}

/** The final value and the best value (with its x) of a curve, for tables. */
export interface CurveEnds {
  final: number | null;
  best: number | null;
  bestX: number | null;
}

/** The last finite value of `curve`, and its best (lowest for `min`, highest for `max`). */
export function curveEnds(curve: Curve, mode: 'min' | 'max'): CurveEnds {
  let final: number | null = null;
  let best: number | null = null;
  let bestX: number | null = null;
  curve.y.forEach((value, index) => {
    if (value === null || !Number.isFinite(value)) return;
    final = value;
    if (best === null || (mode === 'min' ? value < best : value > best)) {
      best = value;
      bestX = curve.x[index];
    }
  });
  return { final, best, bestX };
}
