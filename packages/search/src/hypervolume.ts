import type { SearchObjective } from '@machop/core/base';
import type { ObjectiveValues } from './pareto.js';

/**
 * The hypervolume of `points` against `reference`, all objectives minimized: the measure of the
 * region that some point dominates and that dominates the reference point. Points that do not
 * dominate the reference add nothing. Exact, by slicing along the last objective (fine for the
 * tens of points a search holds).
 */
export function minimizedHypervolume(
  points: readonly ObjectiveValues[],
  reference: readonly number[],
): number {
  const inside = points.filter((point) => point.every((value, i) => value < reference[i]));
  return slice(inside, reference, reference.length);
}

function slice(
  points: readonly ObjectiveValues[],
  reference: readonly number[],
  depth: number,
): number {
  if (points.length === 0) return 0;
  if (depth === 1) return reference[0] - Math.min(...points.map((point) => point[0]));
  if (depth === 2) {
    // Sweep by the first objective: each point adds the strip below the best second value so far.
    const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let area = 0;
    let ceiling = reference[1];
    for (const point of sorted) {
      if (point[1] < ceiling) {
        area += (reference[0] - point[0]) * (ceiling - point[1]);
        ceiling = point[1];
      }
    }
    return area;
  }
  const last = depth - 1;
  const sorted = [...points].sort((a, b) => a[last] - b[last]);
  let volume = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    const top = i + 1 < sorted.length ? sorted[i + 1][last] : reference[last];
    const thickness = top - sorted[i][last];
    if (thickness > 0) volume += thickness * slice(sorted.slice(0, i + 1), reference, last);
  }
  return volume;
}

/**
 * The hypervolume of a search's results: `points` (one value per objective, in the objectives'
 * order) against `reference`, each objective taken in its own direction, so a larger hypervolume
 * is a better front. NaN values add nothing.
 *
 * @example
 * hypervolume([[0.9, 4], [0.7, 2]], [{ name: 'accuracy', direction: 'maximize' },
 *   { name: 'bits', direction: 'minimize' }], [0, 8]); // 0.9 * 4 + 0.7 * 2 = 5
 */
export function hypervolume(
  points: readonly ObjectiveValues[],
  objectives: readonly SearchObjective[],
  reference: readonly number[],
): number {
  const signs = objectives.map((objective) => (objective.direction === 'maximize' ? -1 : 1));
  const losses = points
    .filter((point) => point.every((value) => !Number.isNaN(value)))
    .map((point) => point.map((value, i) => signs[i] * value));
  return minimizedHypervolume(
    losses,
    reference.map((value, i) => signs[i] * value),
  );
}
