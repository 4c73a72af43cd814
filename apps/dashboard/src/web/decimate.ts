// Fewer points than pixels: a 10,000-point curve on a chart 1,000 pixels wide puts ten points in
// each pixel column, and uPlot walks every one of them for each of the 40 series it draws. Here
// each column keeps its first and last point and each series' lowest and highest value (the M4
// rule), which draws the same pixels: the line still enters and leaves the column where it did and
// spans the same height in it. Only the drawing gets these; hover values and exports read the
// whole curves.
import type { Numbers, Values } from '@machop/runs/series';

/** Columns aligned on one x, as uPlot takes them: x, then each series (null for no point). */
export type Columns = [x: Numbers, ...series: Values[]];

/**
 * The points of `columns` to draw in `width` pixel columns, or `columns` itself when there are no
 * more than four points a column. `x` must be increasing.
 */
export function decimate(columns: Columns, width: number): Columns {
  const [x, ...series] = columns;
  const count = x.length;
  const buckets = Math.max(1, Math.floor(width));
  if (count <= buckets * 4) return columns;
  const first = x[0];
  const span = x[count - 1] - first;
  if (!(span > 0)) return columns;
  // The pixel columns' first points, and how many points each keeps: a column of up to four
  // points keeps them; a longer one gets four slots at real x values (its first point, two
  // between, its last).
  const starts: number[] = [];
  let size = 0;
  for (let start = 0; start < count;) {
    const bucket = Math.min(buckets - 1, Math.floor(((x[start] - first) / span) * buckets));
    const limit = bucket === buckets - 1 ? Infinity : first + ((bucket + 1) / buckets) * span;
    let end = start + 1;
    while (end < count && x[end] < limit) end++;
    starts.push(start);
    size += Math.min(4, end - start);
    start = end;
  }
  starts.push(count);
  const outX = new Float64Array(size);
  let at = 0;
  for (let column = 0; column + 1 < starts.length; column++) {
    const start = starts[column];
    const end = starts[column + 1];
    const length = end - start;
    if (length <= 4) for (let index = start; index < end; index++) outX[at++] = x[index];
    else {
      outX[at++] = x[start];
      outX[at++] = x[start + Math.floor(length / 3)];
      outX[at++] = x[start + Math.floor((2 * length) / 3)];
      outX[at++] = x[end - 1];
    }
  }
  const outSeries = series.map((values) => decimateSeries(values, starts, size));
  return [outX, ...outSeries];
}

/**
 * One series' values at the slots {@link decimate} chose: first, lowest, highest and last of each
 * column. A typed array (which has no nulls) gives a typed array.
 */
function decimateSeries(values: Values, starts: readonly number[], size: number): Values {
  const typed = values instanceof Float64Array;
  const out = typed ? new Float64Array(size) : new Array<number | null>(size);
  /** No point: null, or in a typed array (whose values are all numbers) NaN. */
  const gap = typed ? NaN : null;
  let at = 0;
  for (let column = 0; column + 1 < starts.length; column++) {
    const start = starts[column];
    const end = starts[column + 1];
    if (end - start <= 4) {
      for (let index = start; index < end; index++) out[at++] = values[index] ?? gap;
      continue;
    }
    let low = Infinity;
    let high = -Infinity;
    let lowAt = -1;
    let highAt = -1;
    for (let index = start; index < end; index++) {
      const value = values[index];
      if (value === null || value === undefined) continue;
      if (value < low) {
        low = value;
        lowAt = index;
      }
      if (value > high) {
        high = value;
        highAt = index;
      }
    }
    out[at++] = values[start] ?? gap;
    if (lowAt < 0) {
      out[at++] = gap;
      out[at++] = gap;
    } else if (lowAt <= highAt) {
      // The extremes in the order the curve meets them.
      out[at++] = low;
      out[at++] = high;
    } else {
      out[at++] = high;
      out[at++] = low;
    }
    out[at++] = values[end - 1] ?? gap;
  }
  return out;
}

/** Index of the value in increasing `x` nearest to `value`. */
export function nearestIndex(x: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = x.length - 1;
  if (high < 0) return -1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (x[middle] < value) low = middle + 1;
    else high = middle;
  }
  if (low > 0 && Math.abs(x[low - 1] - value) <= Math.abs(x[low] - value)) return low - 1;
  return low;
}
