import {
  createRandom,
  getRegistry,
  initBackend,
  isMachopError,
  loadPlugins,
  tf,
  type LayerSpec,
} from '@machop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import plugin, { buildSequential } from './index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  await loadPlugins([plugin]);
});

const randomValues = (count: number, seed: number, low: number, high: number) => {
  const next = createRandom(seed);
  return Float32Array.from({ length: count }, () => low + (high - low) * next());
};

function errorOf(action: () => unknown): { code?: string; message: string } {
  try {
    action();
  } catch (error) {
    expect(isMachopError(error)).toBe(true);
    return error as { code: string; message: string };
  }
  throw new Error('expected an error');
}

describe('buildSequential initialises like PyTorch', () => {
  it('draws dense kernels and biases uniformly within ±1/sqrt(fan_in)', () => {
    const model = buildSequential(
      [
        { type: 'dense', units: 64 },
        { type: 'dense', units: 32 },
      ],
      { features: 16, seed: 3, tf },
    );
    for (const [layerName, fanIn] of [
      ['dense_1', 16],
      ['dense_2', 64],
    ] as const) {
      const bound = 1 / Math.sqrt(fanIn);
      const [kernel, bias] = model
        .getLayer(layerName)
        .getWeights()
        .map((weight) => Array.from(weight.dataSync()));
      for (const values of [kernel, bias]) {
        expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
        // Spread over the whole interval rather than crowded near zero (a normal init would be).
        expect(Math.max(...values)).toBeGreaterThan(0.75 * bound);
        expect(Math.min(...values)).toBeLessThan(-0.75 * bound);
      }
      const mean = kernel.reduce((sum, value) => sum + value, 0) / kernel.length;
      const variance = kernel.reduce((sum, value) => sum + (value - mean) ** 2, 0) / kernel.length;
      // A uniform distribution on ±b has variance b²/3.
      expect(variance / ((bound * bound) / 3)).toBeGreaterThan(0.8);
      expect(variance / ((bound * bound) / 3)).toBeLessThan(1.2);
    }
    // Kernel and bias come from different streams.
    const [kernel, bias] = model
      .getLayer('dense_1')
      .getWeights()
      .map((weight) => Array.from(weight.dataSync()));
    expect(bias).not.toEqual(kernel.slice(0, bias.length));
    model.dispose();
  });

  it('starts batch norm at gamma 1, beta 0, mean 0, variance 1 with PyTorch momentum 0.1 and epsilon 1e-5', () => {
    const model = buildSequential([{ type: 'batchNorm' }], { features: 4, seed: 0, tf });
    const layer = model.getLayer('batch_norm_1');
    const [gamma, beta, mean, variance] = layer
      .getWeights()
      .map((weight) => Array.from(weight.dataSync()));
    expect({ gamma, beta, mean, variance }).toEqual({
      gamma: [1, 1, 1, 1],
      beta: [0, 0, 0, 0],
      mean: [0, 0, 0, 0],
      variance: [1, 1, 1, 1],
    });
    expect(layer.getConfig()).toMatchObject({ momentum: 0.9, epsilon: 1e-5 });
    model.dispose();
  });

  it('updates the running mean in training as PyTorch does: 0.9 of the old value plus 0.1 of the batch mean', () => {
    const model = buildSequential([{ type: 'batchNorm' }], { features: 3, seed: 0, tf });
    const rows = randomValues(8 * 3, 11, -2, 4);
    tf.tidy(() => {
      model.apply(tf.tensor2d(rows, [8, 3]), { training: true });
    });
    const runningMean = Array.from(model.getLayer('batch_norm_1').getWeights()[2].dataSync());
    for (let column = 0; column < 3; column++) {
      let sum = 0;
      for (let row = 0; row < 8; row++) sum += rows[row * 3 + column];
      expect(runningMean[column]).toBeCloseTo(0.9 * 0 + 0.1 * (sum / 8), 6);
    }
    model.dispose();
  });

  it('gives jsc-tiny the forward pass of PyTorch in inference: ReLU(Linear(ReLU(BatchNorm(x))))', () => {
    const features = 16;
    const classes = 5;
    const model = getRegistry()
      .models.get('jsc-tiny')
      .create({ features, classes, options: {}, seed: 9, tf });
    // Non-trivial batch-norm state, so that every term of the formula matters.
    const gamma = randomValues(features, 1, 0.5, 2);
    const beta = randomValues(features, 2, -1, 1);
    const runningMean = randomValues(features, 3, -1, 1);
    const runningVariance = randomValues(features, 4, 0.1, 3);
    const batchNorm = model.getLayer('batch_norm_1');
    batchNorm.setWeights(
      [gamma, beta, runningMean, runningVariance].map((values) => tf.tensor1d(values)),
    );
    const [kernel, bias] = model
      .getLayer('dense_1')
      .getWeights()
      .map((weight) => weight.dataSync());
    const size = 6;
    const x = randomValues(size * features, 5, -3, 3);
    const output = tf.tidy(() =>
      (model.predict(tf.tensor2d(x, [size, features])) as tf.Tensor).dataSync(),
    );
    for (let row = 0; row < size; row++) {
      const hidden = Array.from({ length: features }, (_, j) => {
        const normalised =
          ((x[row * features + j] - runningMean[j]) / Math.sqrt(runningVariance[j] + 1e-5)) *
            gamma[j] +
          beta[j];
        return Math.max(0, normalised);
      });
      for (let k = 0; k < classes; k++) {
        // tfjs stores the kernel as [in, out], the transpose of PyTorch's weight.
        const logit = hidden.reduce(
          (sum, value, j) => sum + value * kernel[j * classes + k],
          bias[k],
        );
        expect(output[row * classes + k]).toBeCloseTo(Math.max(0, logit), 5);
      }
    }
    expect(Array.from(output).some((value) => value > 0)).toBe(true);
    model.dispose();
  });
});

describe('buildSequential', () => {
  it('names layers by kind and position, so checkpoints name weights the same way every build', () => {
    const layers: LayerSpec[] = [
      { type: 'dense', units: 3 },
      { type: 'activation', activation: 'tanh' },
      { type: 'dropout', rate: 0.1 },
      { type: 'dense', units: 2, useBias: false },
    ];
    const model = buildSequential(layers, { features: 4, seed: 0, tf });
    expect(model.layers.map((layer) => layer.name)).toEqual([
      'dense_1',
      'tanh_1',
      'dropout_1',
      'dense_2',
    ]);
    expect(model.getLayer('dense_2').getWeights()).toHaveLength(1);
    model.dispose();
  });

  it('accepts dropout as the first layer', () => {
    const model = buildSequential(
      [
        { type: 'dropout', rate: 0.5 },
        { type: 'dense', units: 2 },
      ],
      { features: 3, seed: 0, tf },
    );
    expect(model.inputs[0].shape).toEqual([null, 3]);
    expect(model.outputs[0].shape).toEqual([null, 2]);
    model.dispose();
  });

  it('refuses an empty list, a bad width or a bad input count with a ModelError', () => {
    expect(errorOf(() => buildSequential([], { features: 3, seed: 0, tf })).message).toMatch(
      /at least one layer/,
    );
    expect(
      errorOf(() => buildSequential([{ type: 'dense', units: 2.5 }], { features: 3, seed: 0, tf })),
    ).toMatchObject({
      code: 'E_MODEL',
      message: 'dense layer 0 units must be a positive whole number; got 2.5',
    });
    expect(
      errorOf(() => buildSequential([{ type: 'dense', units: 2 }], { features: 0, seed: 0, tf }))
        .code,
    ).toBe('E_MODEL');
    expect(
      errorOf(() => buildSequential([{ type: 'dropout', rate: 1 }], { features: 3, seed: 0, tf }))
        .message,
    ).toMatch(/dropout rate must be at least 0 and below 1; got 1/);
  });

  it('refuses to build a registered model for fewer than 2 classes, naming the model', () => {
    const error = errorOf(() =>
      getRegistry()
        .models.get('jsc-toy')
        .create({ features: 16, classes: 1, options: {}, seed: 0, tf }),
    );
    expect(error).toMatchObject({
      code: 'E_MODEL',
      message: 'model jsc-toy needs at least 1 feature and 2 classes; got features=16, classes=1',
    });
  });
});
