// Fewer points than pixels: a 10,000-point curve on a chart 1,000 pixels wide puts ten points in
// each pixel column, and uPlot walks every one of them for each of the 40 series it draws. Here
// each column keeps its first and last point and each series' lowest and highest value (the M4
// rule), which draws the same pixels: the line still enters and leaves the column where it did and
// spans the same height in it. Only the drawing gets these; hover values and exports read the
// whole curves.

/** Columns aligned on one x, as uPlot takes them: x, then each series (null for no point). */
export type Columns = [x: readonly number[], ...series: readonly (number | null)[][]];

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
  const outX: number[] = [];
  const outSeries: (number | null)[][] = series.map(() => []);
  let start = 0;
  while (start < count) {
    // The points of one pixel column: x up to the start of the next one.
    const bucket = Math.min(buckets - 1, Math.floor(((x[start] - first) / span) * buckets));
    const limit = first + ((bucket + 1) / buckets) * span;
    let end = start + 1;
    while (end < count && (x[end] < limit || bucket === buckets - 1)) end++;
    if (end - start <= 4) {
      for (let index = start; index < end; index++) {
        outX.push(x[index]);
        series.forEach((values, at) => outSeries[at].push(values[index] ?? null));
      }
    } else {
      // Four slots at real x values of the column: its first point, two between, its last.
      const last = end - 1;
      const length = end - start;
      outX.push(
        x[start],
        x[start + Math.floor(length / 3)],
        x[start + Math.floor((2 * length) / 3)],
        x[last],
      );
      series.forEach((values, at) => {
        let low = -1;
        let high = -1;
        for (let index = start; index < end; index++) {
          const value = values[index];
          if (value === null || value === undefined) continue;
          if (low < 0 || value < values[low]!) low = index;
          if (high < 0 || value > values[high]!) high = index;
        }
        const out = outSeries[at];
        out.push(values[start] ?? null);
        if (low < 0) out.push(null, null);
        // The extremes in the order the curve meets them.
        else if (low <= high) out.push(values[low], values[high]);
        else out.push(values[high], values[low]);
        out.push(values[last] ?? null);
      });
    }
    start = end;
  }
  return [outX, ...outSeries];
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
