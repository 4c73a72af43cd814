// Forward and backward of the fused engine against tfjs' autodiff on the tfjs model the models
// package builds from the same layer list and seed: same weights, same batch, same gradients.
import {
  createRandom,
  getRegistry,
  initBackend,
  loadPlugins,
  setStepSeed,
  tf,
  type LayerSpec,
} from '@machop/core';
import modelsPlugin, { buildSequential } from '@machop/models';
import { describe, expect, it } from 'vitest';
import { FusedEngine } from './fused-engine.js';
import { FROZEN } from './testing.js';

const FEATURES = 16;
const CLASSES = 5;
const SEED = 3;
const ROWS = 64;
const MODELS = [
  'jsc-tiny',
  'jsc-toy',
  'jsc-s',
  'jsc-trt',
  'jsc-three-linear-layers',
  'jsc-custom',
  'mlp',
];

// Layer lists are read while collecting the tests, before any beforeAll.
await initBackend({ backend: 'cpu' });
await loadPlugins([modelsPlugin]);

function layersOf(name: string, options: Record<string, unknown> = {}): LayerSpec[] {
  const entry = getRegistry().models.get(name);
  return entry.layers!({ features: FEATURES, classes: CLASSES, options, seed: SEED });
}

function batch(seed: number, rows = ROWS): { x: Float32Array; y: Int32Array } {
  const next = createRandom(seed);
  // JSC-like: standardised features, some rows far out.
  const x = Float32Array.from({ length: rows * FEATURES }, () => (next() - 0.5) * 4);
  const y = Int32Array.from({ length: rows }, () => Math.floor(next() * CLASSES));
  return { x, y };
}

/**
 * Largest difference relative to the largest expected value, or to `floor` if that is larger.
 * Gradients are compared relative to the model's largest gradient: a dense bias before a batch
 * norm has a true gradient of zero, and float32 noise around zero is not a mismatch.
 */
function closeness(
  actual: Float32Array,
  expected: Float32Array | Int32Array | Uint8Array,
  floor = 1e-6,
): number {
  let scale = floor;
  for (const value of expected) scale = Math.max(scale, Math.abs(value));
  let worst = 0;
  for (let index = 0; index < actual.length; index++)
    worst = Math.max(worst, Math.abs(actual[index] - expected[index]) / scale);
  return worst;
}

function engineFor(layers: LayerSpec[]): FusedEngine {
  return new FusedEngine({
    layers,
    features: FEATURES,
    classes: CLASSES,
    seed: SEED,
    optimizer: FROZEN,
  });
}

describe.each([
  ...MODELS.map((name) => [name, {}] as const),
  ['mlp', { hidden: [12, 7], activation: 'tanh', batchNorm: false, dropout: 0.3 }] as const,
  ['mlp', { hidden: [20, 10], activation: 'selu', batchNorm: true, dropout: 0.1 }] as const,
  ['mlp', { hidden: [9], activation: 'elu', batchNorm: true, dropout: 0 }] as const,
  ['mlp', { hidden: [9], activation: 'sigmoid', batchNorm: false, dropout: 0 }] as const,
])('%s %j', (name, options) => {
  const layers = layersOf(name, options);

  it('names, orders and initialises its weights as the tfjs model does', () => {
    const model = buildSequential(layers, { features: FEATURES, seed: SEED, tf });
    const engine = engineFor(layers);
    const ours = engine.getWeights();
    expect(ours.map((weight) => weight.name)).toEqual(
      model.weights.map((weight) => weight.originalName),
    );
    const theirs = model.getWeights();
    ours.forEach((weight, index) => {
      expect(weight.shape).toEqual(theirs[index].shape);
      expect(weight.values).toEqual(theirs[index].dataSync());
    });
    model.dispose();
  });

  it('computes the loss, accuracy, gradients and running statistics tfjs computes, dropout masks included', () => {
    const model = buildSequential(layers, { features: FEATURES, seed: SEED, tf });
    const engine = engineFor(layers);
    const { x, y } = batch(11);
    setStepSeed(12345);
    const expected = tf.tidy(() => {
      const inputs = tf.tensor2d(x, [ROWS, FEATURES]);
      const labels = tf.tensor1d(y, 'int32');
      const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
      let logits: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        logits = tf.keep(model.apply(inputs, { training: true }) as tf.Tensor);
        return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, CLASSES), logits);
      }, variables);
      const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits!, 1), labels), 'float32'));
      return {
        loss: value.dataSync()[0],
        correct: correct.dataSync()[0],
        gradients: variables.map((variable) => grads[variable.name].dataSync<'float32'>()),
      };
    });
    // Read the gradients through one plain SGD step. A large power-of-two rate keeps the float32
    // rounding of the weights (about 1e-8) out of the difference.
    const rate = 1024;
    const before = engine.getWeights();
    engine.learningRate = rate;
    setStepSeed(12345);
    const result = engine.step(x, y, ROWS);
    expect(Math.abs(result.loss() - expected.loss) / expected.loss).toBeLessThan(1e-6);
    expect(result.accuracy()).toBe(expected.correct / ROWS);
    const after = engine.getWeights();
    const trainable = model.trainableWeights.length;
    const largest = Math.max(
      ...expected.gradients.map((gradient) => Math.max(...gradient.map(Math.abs))),
    );
    for (let index = 0; index < trainable; index++) {
      const gradient = before[index].values.map(
        (value, at) => (value - after[index].values[at]) / rate,
      );
      expect(
        closeness(gradient, expected.gradients[index], largest),
        `gradient of ${before[index].name}`,
      ).toBeLessThan(2e-5);
    }
    // Both updated their running statistics from the same batch: PyTorch's unbiased variance.
    const theirs = model.getWeights();
    for (let index = trainable; index < after.length; index++)
      expect(
        closeness(after[index].values, theirs[index].dataSync<'float32'>()),
        `running statistic ${after[index].name}`,
      ).toBeLessThan(1e-5);
    model.dispose();
  });

  it('gives the logits tfjs gives in inference, from the same running statistics', () => {
    const model = buildSequential(layers, { features: FEATURES, seed: SEED, tf });
    const engine = engineFor(layers);
    // Non-trivial running statistics and weights, set in both.
    const next = createRandom(5);
    const weights = engine.getWeights().map((weight) => ({
      ...weight,
      values: weight.name.endsWith('moving_variance')
        ? weight.values.map(() => 0.5 + next())
        : weight.values.map((value) => value + (next() - 0.5) * 0.2),
    }));
    engine.setWeights(weights);
    model.setWeights(weights.map((weight) => tf.tensor(weight.values, weight.shape)));
    const { x } = batch(21, 300);
    const logits = new Float32Array(300 * CLASSES);
    engine.evaluate(x, 300, logits);
    const expected = tf.tidy(() =>
      (model.predict(tf.tensor2d(x, [300, FEATURES])) as tf.Tensor).dataSync(),
    );
    expect(closeness(logits, expected)).toBeLessThan(1e-5);
    model.dispose();
  });
});
