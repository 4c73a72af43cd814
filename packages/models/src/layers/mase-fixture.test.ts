// Replays @machop/graph's PyTorch fixture of MASE's quantized jsc-tiny and jsc-custom
// (packages/graph/fixtures/make-quant-fixture.py) through buildSequential's tfjs layers: the
// same float weights and inputs give MASE's logits, loss and straight-through gradients.
import { initBackend, mixSeed, setStepSeed, tf } from '@machop/core';
import { readQuantFixture } from '@machop/graph/testing';
import { describe, expect, it } from 'vitest';
import { buildSequential } from '../build.js';

const fixture = readQuantFixture();

const cases = fixture.models.flatMap((entry) =>
  entry.cases.map((item) => ({ ...item, model: entry.model, weights: entry.weights })),
);

/** Within `tolerance` of PyTorch, value for value. */
function expectClose(
  actual: ArrayLike<number>,
  expected: number[],
  tolerance: number,
  what: string,
) {
  expect(actual.length, what).toBe(expected.length);
  const worst = Math.max(...expected.map((value, index) => Math.abs(actual[index] - value)));
  expect(worst, what).toBeLessThan(tolerance);
}

describe("MASE's quantized JSC models from the PyTorch fixture", () => {
  it.each(cases)('$model $config: logits, loss and STE gradients', async (item) => {
    await initBackend({ backend: 'cpu' });
    const { features, rows, dropout } = fixture;
    const model = buildSequential(item.layers, { features, seed: dropout.seed, tf });
    const byName = new Map(item.weights.map((weight) => [weight.name, weight]));
    model.setWeights(
      model.weights.map((weight) => {
        const given = byName.get(weight.originalName)!;
        return tf.tensor(given.values, given.shape);
      }),
    );
    const x = tf.tensor2d(fixture.x, [rows, features]);
    const evalLogits = tf.tidy(() => (model.apply(x, { training: false }) as tf.Tensor).dataSync());
    expectClose(evalLogits, item.evalLogits, 1e-6, 'eval logits');

    setStepSeed(mixSeed(dropout.seed, dropout.step));
    const targets = tf.oneHot(tf.tensor1d(fixture.y, 'int32'), fixture.classes);
    const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    let trainLogits: Float32Array | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor;
      trainLogits = logits.dataSync<'float32'>();
      return tf.losses.softmaxCrossEntropy(targets, logits);
    }, variables);
    expectClose(trainLogits!, item.trainLogits, 1e-6, 'train logits');
    expect(Math.abs(value.dataSync()[0] - item.loss)).toBeLessThan(1e-6);
    for (const gradient of item.gradients) {
      const variable = model.trainableWeights.find(
        (weight) => weight.originalName === gradient.name,
      )!;
      const got = grads[(variable.read() as tf.Variable).name].dataSync();
      expectClose(got, gradient.values, 1e-6, `gradient of ${gradient.name}`);
    }
    tf.dispose([x, targets, value, ...Object.values(grads)]);
    model.dispose();
  });
});
