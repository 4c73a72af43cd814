import type { SearchObjective } from '@machop/core/base';
import { minimizedHypervolume } from './hypervolume.js';
import { nonDominatedFronts } from './pareto.js';

const EPS = 1e-12;

/** Optuna's default gamma: how many observations go "below" (the good group) out of `count`. */
export function defaultGamma(count: number, fraction = 0.1, limit = 25): number {
  return Math.min(Math.ceil(fraction * count), limit);
}

/** The good and the other observations, as indices into the losses TPE was given. */
export interface Split {
  readonly below: number[];
  readonly above: number[];
  /** Weights of `below`'s observations (multi-objective only: hypervolume contributions). */
  readonly belowWeights?: number[];
}

/**
 * Split observations as Optuna 3.1's TPE does. `losses` holds, per observation, one value per
 * objective with every objective turned into a minimization. One objective: the `count` lowest
 * (ties by trial order) are below. Several (MOTPE): whole non-domination ranks while they fit,
 * then the rest of `count` chosen from the next rank by greedy hypervolume subset selection;
 * below's observations are then weighted by their hypervolume contributions.
 */
export function splitObservations(losses: readonly (readonly number[])[], count: number): Split {
  const indices = losses.map((_, i) => i);
  if (losses.length === 0 || losses[0].length <= 1) {
    const order = [...indices].sort((a, b) => losses[a][0] - losses[b][0] || a - b);
    return {
      below: order.slice(0, count).sort((a, b) => a - b),
      above: order.slice(count).sort((a, b) => a - b),
    };
  }
  const minimized: SearchObjective[] = losses[0].map((_, i) => ({
    name: `${i}`,
    direction: 'minimize',
  }));
  const fronts = nonDominatedFronts(losses, minimized);
  const below: number[] = [];
  let rank = 0;
  while (rank < fronts.length && below.length + fronts[rank].length <= count) {
    below.push(...fronts[rank]);
    rank += 1;
  }
  if (below.length < count) {
    const front = fronts[rank];
    below.push(
      ...selectByHypervolume(
        front.map((i) => losses[i]),
        count - below.length,
      ).map((k) => front[k]),
    );
  }
  const chosen = new Set(below);
  return {
    below,
    above: indices.filter((i) => !chosen.has(i)),
    belowWeights: hypervolumeWeights(below.map((i) => losses[i])),
  };
}

// Optuna's reference point: 10% beyond the worst point on each objective, never exactly 0.
function referencePoint(points: readonly (readonly number[])[]): number[] {
  return points[0].map((_, j) => {
    const worst = Math.max(...points.map((point) => point[j]));
    const reference = Math.max(1.1 * worst, 0.9 * worst);
    return reference === 0 ? EPS : reference;
  });
}

/**
 * Greedy hypervolume subset selection (Optuna's `_solve_hssp`): repeatedly take the point that
 * adds the most hypervolume to those already taken. Returns positions in `points`.
 */
function selectByHypervolume(points: readonly (readonly number[])[], size: number): number[] {
  const reference = referencePoint(points);
  const taken: number[] = [];
  const free = new Set(points.map((_, i) => i));
  let volume = 0;
  while (taken.length < size) {
    let best = -1;
    let bestGain = Number.NEGATIVE_INFINITY;
    for (const i of free) {
      const gain =
        minimizedHypervolume([...taken.map((k) => points[k]), points[i]], reference) - volume;
      if (gain > bestGain) {
        best = i;
        bestGain = gain;
      }
    }
    taken.push(best);
    free.delete(best);
    volume += bestGain;
  }
  return taken;
}

// Each point's share of the hypervolume (what is lost without it), scaled so the largest is 1.
function hypervolumeWeights(points: readonly (readonly number[])[]): number[] {
  if (points.length <= 1) return points.map(() => 1);
  const reference = referencePoint(points);
  const total = minimizedHypervolume(points, reference);
  const contributions = points.map(
    (_, i) =>
      total -
      minimizedHypervolume(
        points.filter((__, k) => k !== i),
        reference,
      ) +
      EPS,
  );
  const largest = Math.max(...contributions);
  return contributions.map((value) => Math.min(1, Math.max(0, value / largest)));
}
