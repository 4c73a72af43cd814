import { initBackend, tf } from '@machop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUniform, fillUniform } from './uniform.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('createUniform', () => {
  it('draws what tf.randomUniform draws for the same seed', () => {
    for (const seed of [0, 1, 123456789, 4294967295]) {
      const expected = tf.tidy(() => tf.randomUniform([1000], 0, 1, 'float32', seed).dataSync());
      const next = createUniform(seed);
      const ours = Float32Array.from({ length: 1000 }, () => next());
      expect(ours).toEqual(expected);
    }
  });

  it('fills as the seeded uniform initialiser fills a kernel', () => {
    const expected = tf.tidy(() =>
      tf.initializers
        .randomUniform({ minval: -0.25, maxval: 0.25, seed: 42 })
        .apply([16, 5])
        .dataSync(),
    );
    const ours = new Float32Array(80);
    fillUniform(ours, -0.25, 0.25, 42);
    expect(ours).toEqual(expected);
  });

  it('gives other draws for another seed', () => {
    const first = createUniform(1);
    const second = createUniform(2);
    expect(first()).not.toBe(second());
  });
});
