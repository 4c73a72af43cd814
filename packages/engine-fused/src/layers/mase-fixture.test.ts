// Replays @machop/graph's PyTorch fixture of MASE's quantized jsc-tiny and jsc-custom
// (packages/graph/fixtures/make-quant-fixture.py) on the fused engine: the same float weights and
// rows give MASE's eval logits, train-mode loss and straight-through gradients. The models
// package replays the same file through tfjs, so both engines are held to one reference.
import { mixSeed, setStepSeed } from '@machop/core';
import { readQuantFixture } from '@machop/graph/testing';
import { describe, expect, it } from 'vitest';
import { FusedEngine } from '../fused-engine.js';

const fixture = readQuantFixture();

const cases = fixture.models.flatMap((entry) =>
  entry.cases.map((item) => ({ ...item, model: entry.model, weights: entry.weights })),
);

/** The largest difference, value for value, after checking the lengths agree. */
function worstDifference(actual: ArrayLike<number>, expected: number[]): number {
  expect(actual.length).toBe(expected.length);
  return Math.max(...expected.map((value, index) => Math.abs(actual[index] - value)));
}

describe("MASE's quantized JSC models from the PyTorch fixture, on the fused engine", () => {
  it('has cases for both models', () => {
    expect(new Set(cases.map((item) => item.model))).toEqual(new Set(['jsc-tiny', 'jsc-custom']));
  });

  it.each(cases)('$model $config: eval logits, loss and STE gradients', (item) => {
    const { features, classes, rows, dropout } = fixture;
    // Plain SGD at learning rate 1: one step moves every weight by exactly minus its gradient.
    const engine = new FusedEngine({
      layers: item.layers,
      features,
      classes,
      seed: dropout.seed,
      optimizer: { kind: 'sgd', learningRate: 1, weightDecay: 0, momentum: 0, nesterov: false },
    });
    const weights = item.weights.map((weight) => ({
      ...weight,
      values: Float32Array.from(weight.values),
    }));
    engine.setWeights(weights, 'the fixture');
    const x = Float32Array.from(fixture.x);
    const logits = new Float32Array(rows * classes);
    engine.evaluate(x, rows, logits);
    expect(worstDifference(logits, item.evalLogits), 'eval logits').toBeLessThan(1e-5);

    setStepSeed(mixSeed(dropout.seed, dropout.step));
    const result = engine.step(x, Int32Array.from(fixture.y), rows);
    expect(Math.abs(result.loss() - item.loss), 'loss').toBeLessThan(1e-5);
    const before = new Map(weights.map((weight) => [weight.name, weight.values]));
    const after = new Map(engine.getWeights().map((weight) => [weight.name, weight.values]));
    for (const gradient of item.gradients) {
      const old = before.get(gradient.name)!;
      const moved = after.get(gradient.name)!;
      const applied = Array.from(old, (value, index) => value - moved[index]);
      expect(
        worstDifference(applied, gradient.values),
        `gradient of ${gradient.name}`,
      ).toBeLessThan(1e-5);
    }
    engine.dispose();
  });
});
