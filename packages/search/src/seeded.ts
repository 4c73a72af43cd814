import { createRandom, mixSeed } from '@machop/core/base';

/** A generator of floats in [0, 1). */
export type Random = () => number;

/**
 * The random numbers a strategy may use for trial `trialNumber` of a search seeded with `seed`:
 * a fresh generator per (seed, trial number, stream), so a proposal never depends on how many
 * numbers earlier proposals drew. That is what makes `propose` a pure function of its request,
 * and a search resumed after a kill draw exactly what an uninterrupted one would.
 *
 * `stream` separates independent uses within one trial (a strategy's start-up sampling and its
 * model-based sampling, say), so changing one never shifts the other.
 */
export function trialRandom(seed: number, trialNumber: number, stream = 0): Random {
  return createRandom(mixSeed(seed, trialNumber, stream));
}

/** A float drawn uniformly from [low, high). */
export function uniform(random: Random, low: number, high: number): number {
  return low + (high - low) * random();
}

/** An integer drawn uniformly from 0, 1, ..., count - 1. */
export function randomIndex(random: Random, count: number): number {
  return Math.min(count - 1, Math.floor(random() * count));
}

/** An index drawn with probability proportional to `weights` (non-negative, not all zero). */
export function weightedIndex(random: Random, weights: readonly number[]): number {
  let total = 0;
  for (const weight of weights) total += weight;
  let threshold = random() * total;
  for (let i = 0; i < weights.length; i += 1) {
    threshold -= weights[i];
    if (threshold < 0) return i;
  }
  // Rounding can leave a sliver at the end; it belongs to the last index with weight.
  for (let i = weights.length - 1; i >= 0; i -= 1) if (weights[i] > 0) return i;
  return weights.length - 1;
}
