import { createRandom, initBackend, tf } from '@machop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSequential } from '../build.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const ROWS = 40;
const WIDTH = 6;

function batch(seed: number): number[] {
  const next = createRandom(seed);
  return Array.from({ length: ROWS * WIDTH }, () => next() * 3 + 1);
}

/** Per-column mean and unbiased variance, in float64. */
function columnStats(x: number[]): { mean: number[]; unbiased: number[] } {
  const mean = Array.from({ length: WIDTH }, (_, c) => {
    let sum = 0;
    for (let r = 0; r < ROWS; r++) sum += x[r * WIDTH + c];
    return sum / ROWS;
  });
  const unbiased = mean.map((m, c) => {
    let sum = 0;
    for (let r = 0; r < ROWS; r++) sum += (x[r * WIDTH + c] - m) ** 2;
    return sum / (ROWS - 1);
  });
  return { mean, unbiased };
}

describe('batch norm of the models package', () => {
  it('moves the running variance toward the unbiased batch variance (PyTorch), by 0.1', () => {
    const model = buildSequential([{ type: 'batchNorm' }], { features: WIDTH, seed: 0, tf });
    const x = batch(1);
    tf.tidy(() => model.apply(tf.tensor2d(x, [ROWS, WIDTH]), { training: true }) as tf.Tensor);
    const { mean, unbiased } = columnStats(x);
    const [, , movingMean, movingVariance] = model.getWeights().map((w) => w.dataSync());
    mean.forEach((m, c) => expect(movingMean[c]).toBeCloseTo(0.1 * m, 5));
    unbiased.forEach((v, c) => expect(movingVariance[c]).toBeCloseTo(0.9 + 0.1 * v, 5));
    model.dispose();
  });

  it('normalises a training batch with its own mean and biased variance', () => {
    const model = buildSequential([{ type: 'batchNorm' }], { features: WIDTH, seed: 0, tf });
    const x = batch(2);
    const y = tf.tidy(() =>
      (model.apply(tf.tensor2d(x, [ROWS, WIDTH]), { training: true }) as tf.Tensor).dataSync(),
    );
    const { mean, unbiased } = columnStats(x);
    for (let r = 0; r < ROWS; r++)
      for (let c = 0; c < WIDTH; c++) {
        const biased = (unbiased[c] * (ROWS - 1)) / ROWS;
        expect(y[r * WIDTH + c]).toBeCloseTo(
          (x[r * WIDTH + c] - mean[c]) / Math.sqrt(biased + 1e-5),
          4,
        );
      }
    model.dispose();
  });

  it('leaves the running variance alone for a one-row batch', () => {
    const model = buildSequential([{ type: 'batchNorm' }], { features: WIDTH, seed: 0, tf });
    tf.tidy(
      () =>
        model.apply(tf.tensor2d(batch(3).slice(0, WIDTH), [1, WIDTH]), {
          training: true,
        }) as tf.Tensor,
    );
    expect(Array.from(model.getWeights()[3].dataSync())).toEqual(new Array(WIDTH).fill(1));
    model.dispose();
  });
});
