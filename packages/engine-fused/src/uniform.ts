/**
 * The uniform generator TensorFlow.js uses for seeded random ops (`tf.randomUniform(shape, min,
 * max, 'float32', seed)` and the seeded initialisers): Baagøe's Alea, seeded with the decimal
 * text of the seed. Reproducing it lets this engine draw the same initial weights and the same
 * dropout masks as a tfjs model built with the same seeds, so the two engines agree bit for bit
 * on their random draws.
 */

const TWO_TO_MINUS_32 = 2.3283064365386963e-10;

/** Baagøe's Mash hash: folds a string into the generator's state, one character at a time. */
function createMash(): (data: string) => number {
  let state = 0xefc8249d;
  return (data) => {
    for (let index = 0; index < data.length; index++) {
      state += data.charCodeAt(index);
      let h = 0.02519603282416938 * state;
      state = h >>> 0;
      h -= state;
      h *= state;
      state = h >>> 0;
      h -= state;
      state += h * 0x100000000;
    }
    return (state >>> 0) * TWO_TO_MINUS_32;
  };
}

/**
 * A generator of doubles in [0, 1) equal, draw for draw, to tfjs' seeded generator for `seed`
 * (tfjs turns a numeric seed into its decimal text first; so does this).
 */
export function createUniform(seed: number | string): () => number {
  const mash = createMash();
  const text = String(seed);
  let s0 = mash(' ');
  let s1 = mash(' ');
  let s2 = mash(' ');
  let carry = 1;
  s0 -= mash(text);
  if (s0 < 0) s0 += 1;
  s1 -= mash(text);
  if (s1 < 0) s1 += 1;
  s2 -= mash(text);
  if (s2 < 0) s2 += 1;
  return () => {
    const t = 2091639 * s0 + carry * TWO_TO_MINUS_32;
    s0 = s1;
    s1 = s2;
    carry = t | 0;
    s2 = t - carry;
    return s2;
  };
}

/**
 * Fill `target` as `tf.randomUniform(shape, min, max, 'float32', seed)` would: `min + (max - min)
 * * u` for successive draws `u`, rounded to float32 by the store.
 */
export function fillUniform(target: Float32Array, min: number, max: number, seed: number): void {
  const next = createUniform(seed);
  const range = max - min;
  for (let index = 0; index < target.length; index++) target[index] = min + range * next();
}
