import { CheckpointError, initBackend, tf } from '@machop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TfjsOptimizer, type OptimizerSettings } from './optimizer.js';

/** PyTorch's update rules in plain JavaScript, one weight vector at a time. */
class Reference {
  private step = 0;
  private first: number[];
  private second: number[];
  private buffer: number[];

  constructor(
    public weights: number[],
    private readonly settings: OptimizerSettings,
  ) {
    this.first = weights.map(() => 0);
    this.second = weights.map(() => 0);
    this.buffer = weights.map(() => 0);
  }

  apply(gradient: number[], rate: number): void {
    this.step += 1;
    const { kind, weightDecay } = this.settings;
    const momentum = this.settings.momentum ?? 0.9;
    this.weights = this.weights.map((weight, index) => {
      let grad = gradient[index];
      if (kind === 'adamw') weight *= 1 - rate * weightDecay;
      else grad += weightDecay * weight;
      if (kind === 'sgd') {
        if (momentum === 0) return weight - rate * grad;
        this.buffer[index] = momentum * this.buffer[index] + grad;
        const direction =
          this.settings.nesterov === false
            ? this.buffer[index]
            : grad + momentum * this.buffer[index];
        return weight - rate * direction;
      }
      this.first[index] = 0.9 * this.first[index] + 0.1 * grad;
      this.second[index] = 0.999 * this.second[index] + 0.001 * grad * grad;
      const denominator = Math.sqrt(this.second[index]) / Math.sqrt(1 - 0.999 ** this.step) + 1e-8;
      return weight - (rate / (1 - 0.9 ** this.step)) * (this.first[index] / denominator);
    });
  }
}

const start = [0.5, -1.25, 2, 0.03];
const gradients = [
  [0.1, -0.4, 0.25, 1.5],
  [-0.3, 0.2, 0.05, 0.7],
  [0.6, -0.1, -0.5, 0.2],
];
const rates = [0.1, 0.05, 0.02];

function run(settings: OptimizerSettings): { actual: number[]; expected: number[] } {
  const variable = tf.variable(tf.tensor1d(start));
  const optimizer = new TfjsOptimizer([variable], settings);
  const reference = new Reference([...start], settings);
  gradients.forEach((gradient, index) => {
    optimizer.learningRate = rates[index];
    tf.tidy(() => optimizer.apply([tf.tensor1d(gradient)]));
    reference.apply(gradient, rates[index]);
  });
  const actual = Array.from(variable.dataSync());
  optimizer.dispose();
  variable.dispose();
  return { actual, expected: reference.weights };
}

describe('TfjsOptimizer', () => {
  beforeAll(async () => {
    await initBackend();
  });

  const cases: OptimizerSettings[] = [
    { kind: 'adam', learningRate: 0.1, weightDecay: 0 },
    { kind: 'adam', learningRate: 0.1, weightDecay: 0.3 },
    { kind: 'adamw', learningRate: 0.1, weightDecay: 0.3 },
    { kind: 'sgd', learningRate: 0.1, weightDecay: 0 },
    { kind: 'sgd', learningRate: 0.1, weightDecay: 0.3 },
    { kind: 'sgd', learningRate: 0.1, weightDecay: 0.3, momentum: 0 },
  ];
  for (const settings of cases) {
    it(`matches PyTorch's ${settings.kind} (weight decay ${settings.weightDecay}${settings.momentum === 0 ? ', no momentum' : ''}) with a changing learning rate`, () => {
      const { actual, expected } = run(settings);
      actual.forEach((value, index) => expect(value).toBeCloseTo(expected[index], 5));
      // The weights moved, so the comparison is not of two unchanged vectors.
      expect(actual.some((value, index) => Math.abs(value - start[index]) > 1e-3)).toBe(true);
    });
  }

  it('applies weight decay to every optimizer: the same gradient moves weights differently with it', () => {
    for (const kind of ['adam', 'adamw', 'sgd'] as const) {
      const without = run({ kind, learningRate: 0.1, weightDecay: 0 }).actual;
      const withDecay = run({ kind, learningRate: 0.1, weightDecay: 0.3 }).actual;
      expect(withDecay).not.toEqual(without);
    }
  });

  it('moves weights in proportion to the learning rate it reads at each update', () => {
    const deltas = [0.01, 0.04].map((rate) => {
      const variable = tf.variable(tf.tensor1d(start));
      const optimizer = new TfjsOptimizer([variable], {
        kind: 'sgd',
        learningRate: 1,
        weightDecay: 0,
        momentum: 0,
      });
      optimizer.learningRate = rate;
      tf.tidy(() => optimizer.apply([tf.tensor1d(gradients[0])]));
      const delta = Array.from(variable.dataSync()).map((value, index) => start[index] - value);
      optimizer.dispose();
      variable.dispose();
      return delta;
    });
    deltas[0].forEach((delta, index) => {
      expect(delta).toBeCloseTo(0.01 * gradients[0][index], 6);
      expect(deltas[1][index]).toBeCloseTo(4 * delta, 6);
    });
  });

  it('continues identically from a saved state and refuses a state of other shapes', () => {
    const settings: OptimizerSettings = { kind: 'adam', learningRate: 0.1, weightDecay: 0.01 };
    const original = tf.variable(tf.tensor1d(start));
    const optimizer = new TfjsOptimizer([original], settings);
    tf.tidy(() => optimizer.apply([tf.tensor1d(gradients[0])]));
    tf.tidy(() => optimizer.apply([tf.tensor1d(gradients[1])]));
    const copy = tf.variable(original.clone());
    const restored = new TfjsOptimizer([copy], settings);
    restored.setState(optimizer.getState(), 'test state');
    for (const target of [optimizer, restored])
      tf.tidy(() => target.apply([tf.tensor1d(gradients[2])]));
    expect(Array.from(copy.dataSync())).toEqual(Array.from(original.dataSync()));

    const other = tf.variable(tf.zeros([2, 2]));
    const mismatched = new TfjsOptimizer([other], settings);
    expect(() => mismatched.setState(optimizer.getState(), 'test state')).toThrow(CheckpointError);
    const sgd = new TfjsOptimizer([copy], { ...settings, kind: 'sgd' });
    expect(() => sgd.setState(optimizer.getState(), 'test state')).toThrow(/adam optimizer state/);
    [optimizer, restored, mismatched, sgd].forEach((target) => target.dispose());
    tf.dispose([original, copy, other]);
  });
});
