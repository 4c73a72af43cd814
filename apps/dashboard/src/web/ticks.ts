// Where an axis gets its labels: round numbers (1, 2 or 5 times a power of ten), whole numbers
// only on an axis that counts (epochs, steps).

/**
 * About `count` round values from `min` to `max`; with `whole`, steps of at least 1, so an epoch
 * axis is never labelled at 2.5.
 */
export function ticks(min: number, max: number, count = 5, whole = false): number[] {
  if (!(max > min)) return [min];
  const raw = Math.max((max - min) / count, whole ? 1 : 0);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((size) => size >= raw) ?? raw;
  const result: number[] = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step)
    result.push(Number(value.toPrecision(12)));
  return result;
}

/** uPlot's increments for an axis that counts: 1, 2, 5, 10, 20, 50... never a fraction. */
export const WHOLE_INCREMENTS = Array.from({ length: 10 }, (_, power) =>
  [1, 2, 5].map((factor) => factor * 10 ** power),
).flat();
