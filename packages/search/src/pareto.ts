import type { SearchObjective } from '@machop/core/base';

/** Values of one trial, one per objective, in the objectives' order. */
export type ObjectiveValues = readonly number[];

/**
 * Whether `a` dominates `b`: no worse on every objective and better on at least one. NaN is worse
 * than any number, so a trial whose metric could not be computed never dominates.
 */
export function dominates(
  a: ObjectiveValues,
  b: ObjectiveValues,
  objectives: readonly SearchObjective[],
): boolean {
  let better = false;
  for (let i = 0; i < objectives.length; i += 1) {
    const order = compare(a[i], b[i], objectives[i].direction);
    if (order < 0) return false;
    if (order > 0) better = true;
  }
  return better;
}

// > 0 when x is better than y in the given direction, < 0 when worse, 0 when equal.
function compare(x: number, y: number, direction: SearchObjective['direction']): number {
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
  if (Number.isNaN(y)) return 1;
  if (x === y) return 0;
  return (direction === 'maximize' ? x > y : x < y) ? 1 : -1;
}

/**
 * Sort points into non-dominated fronts (Deb et al.'s fast non-dominated sort): front 0 is the
 * Pareto set, front 1 the Pareto set of what remains, and so on. Returns indices into `points`,
 * each front in ascending index order.
 */
export function nonDominatedFronts(
  points: readonly ObjectiveValues[],
  objectives: readonly SearchObjective[],
): number[][] {
  const dominatedBy = points.map(() => 0);
  const dominating: number[][] = points.map(() => []);
  for (let i = 0; i < points.length; i += 1) {
    for (let j = i + 1; j < points.length; j += 1) {
      if (dominates(points[i], points[j], objectives)) {
        dominating[i].push(j);
        dominatedBy[j] += 1;
      } else if (dominates(points[j], points[i], objectives)) {
        dominating[j].push(i);
        dominatedBy[i] += 1;
      }
    }
  }
  const fronts: number[][] = [];
  let current = points.map((_, i) => i).filter((i) => dominatedBy[i] === 0);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) {
      for (const j of dominating[i]) {
        dominatedBy[j] -= 1;
        if (dominatedBy[j] === 0) next.push(j);
      }
    }
    current = next.sort((x, y) => x - y);
  }
  return fronts;
}

/** Indices of the Pareto set of `points` (the first non-dominated front), ascending. */
export function paretoSet(
  points: readonly ObjectiveValues[],
  objectives: readonly SearchObjective[],
): number[] {
  return nonDominatedFronts(points, objectives)[0] ?? [];
}
