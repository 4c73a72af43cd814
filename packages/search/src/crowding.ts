import type { ObjectiveValues } from './pareto.js';

/**
 * NSGA-II's crowding distance of each point of one front, as Optuna 3.1 computes it: per
 * objective, the gap between a point's two neighbours in that objective divided by the
 * objective's range, summed over objectives. The extremes of an objective get Infinity (so they
 * are kept first); an objective on which all points agree adds nothing.
 */
export function crowdingDistances(points: readonly ObjectiveValues[]): number[] {
  const distances = points.map(() => 0);
  if (points.length === 0) return distances;
  for (let objective = 0; objective < points[0].length; objective += 1) {
    const order = points
      .map((_, i) => i)
      .sort((a, b) => points[a][objective] - points[b][objective]);
    const sorted = order.map((i) => points[i][objective]);
    if (sorted[0] === sorted[sorted.length - 1]) continue;
    const values = [Number.NEGATIVE_INFINITY, ...sorted, Number.POSITIVE_INFINITY];
    const finite = values.filter(Number.isFinite);
    let width = finite.length > 0 ? finite[finite.length - 1] - finite[0] : 0;
    if (!(width > 0)) width = 1;
    order.forEach((index, j) => {
      // inf - inf counts as no gap, as in Optuna.
      const gap = values[j] === values[j + 2] ? 0 : values[j + 2] - values[j];
      distances[index] += gap / width;
    });
  }
  return distances;
}
