/**
 * Seeded randomness shared by models and the trainer, so that the same seed gives the same run:
 * weight initialisation, shuffling and dropout masks all derive from the run's seed.
 */

/** Mix integers into one 32-bit seed (a murmur3-style finaliser over each part). */
export function mixSeed(...parts: number[]): number {
  let hash = 0x9e3779b9;
  for (const part of parts) {
    let value = Math.imul((part | 0) ^ Math.floor(part / 4294967296), 0xcc9e2d51);
    value = Math.imul((value << 15) | (value >>> 17), 0x1b873593);
    hash ^= value;
    hash = Math.imul((hash << 13) | (hash >>> 19), 5) + 0xe6546b64;
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** A fast seeded generator of floats in [0, 1) (mulberry32). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Per-step seed for stochastic layers (dropout), on the global object so every copy of core in
// the process agrees. The trainer sets it before each training step from (run seed, global step),
// which makes dropout masks differ from step to step yet repeat exactly on a resumed run.
const STEP_SEED_KEY = Symbol.for('machop.stepSeed.v1');

/** Set the seed that stochastic layers use for the next training step. */
export function setStepSeed(seed: number): void {
  (globalThis as unknown as Record<symbol, number>)[STEP_SEED_KEY] = seed >>> 0;
}

/** The seed set by {@link setStepSeed} (0 before any). */
export function stepSeed(): number {
  return (globalThis as unknown as Record<symbol, number | undefined>)[STEP_SEED_KEY] ?? 0;
}
