import { describe, expect, it } from 'vitest';
import type { Engine, NamedWeight, OptimizerSettings } from './engine.js';
import { isMachopError } from './errors.js';
import { createRandom } from './random.js';
import type { LayerSpec } from './types.js';

/** What {@link describeEngineConformance} asks an engine to be made from. */
export interface EngineConformanceRequest {
  layers: LayerSpec[];
  features: number;
  classes: number;
  seed: number;
  optimizer: OptimizerSettings;
}

/** Options of {@link describeEngineConformance}. */
export interface EngineConformanceOptions {
  /** Make a new engine (any initial weights: the suite sets them). */
  create(request: EngineConformanceRequest): Engine;
  /** Run once before the suite (a backend, plugins). */
  setup?: () => Promise<void>;
}

const FEATURES = 6;
const HIDDEN = 8;
const CLASSES = 3;
const ROWS = 32;
/** The fixed model: dense, ReLU, dense, with weights and rows from fixed seeds. */
const LAYERS: LayerSpec[] = [
  { type: 'dense', units: HIDDEN },
  { type: 'activation', activation: 'relu' },
  { type: 'dense', units: CLASSES },
];
const NAMES = ['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias'];
const SHAPES = [[FEATURES, HIDDEN], [HIDDEN], [HIDDEN, CLASSES], [CLASSES]];

function fixedWeights(seed: number): NamedWeight[] {
  const next = createRandom(seed);
  return NAMES.map((name, index) => {
    const shape = SHAPES[index];
    const count = shape.reduce((a, b) => a * b, 1);
    return { name, shape, values: Float32Array.from({ length: count }, () => next() - 0.5) };
  });
}

function fixedRows(seed: number): { x: Float32Array; y: Int32Array } {
  const next = createRandom(seed);
  const x = Float32Array.from({ length: ROWS * FEATURES }, () => (next() - 0.5) * 4);
  const y = Int32Array.from({ length: ROWS }, () => Math.floor(next() * CLASSES));
  return { x, y };
}

/** The fixed model's logits in float64, the suite's reference. */
function referenceLogits(weights: ArrayLike<number>[], x: Float32Array): Float64Array {
  const [kernel1, bias1, kernel2, bias2] = weights;
  const logits = new Float64Array(ROWS * CLASSES);
  for (let row = 0; row < ROWS; row++) {
    const hidden = Array.from({ length: HIDDEN }, (_, unit) => {
      let sum = bias1[unit];
      for (let input = 0; input < FEATURES; input++)
        sum += x[row * FEATURES + input] * kernel1[input * HIDDEN + unit];
      return Math.max(sum, 0);
    });
    for (let unit = 0; unit < CLASSES; unit++) {
      let sum = bias2[unit];
      for (let input = 0; input < HIDDEN; input++)
        sum += hidden[input] * kernel2[input * CLASSES + unit];
      logits[row * CLASSES + unit] = sum;
    }
  }
  return logits;
}

/** Mean softmax cross-entropy of `logits` against `y`, in float64. */
function meanLoss(logits: ArrayLike<number>, y: Int32Array): number {
  let total = 0;
  for (let row = 0; row < y.length; row++) {
    const values = Array.from({ length: CLASSES }, (_, unit) => logits[row * CLASSES + unit]);
    const largest = Math.max(...values);
    const sum = values.reduce((acc, value) => acc + Math.exp(value - largest), 0);
    total += Math.log(sum) - (values[y[row]] - largest);
  }
  return total / y.length;
}

const plainSgd: OptimizerSettings = {
  kind: 'sgd',
  learningRate: 1,
  weightDecay: 0,
  momentum: 0,
  nesterov: false,
};
const adam: OptimizerSettings = { kind: 'adam', learningRate: 1e-2, weightDecay: 1e-3 };

/**
 * The conformance suite every engine runs, ours or a plugin's (as each tfjs backend runs
 * tfjs-core's tests): on a fixed dense–ReLU–dense model with fixed weights and rows it checks
 * weight names and order, logits and loss against a float64 reference, gradients (one plain SGD
 * step) against central finite differences of that reference, determinism of Adam steps,
 * weights and optimizer-state round trips that continue bit for bit, the loss totals, and that
 * weights of another model are refused. Call it at the top level of a test file.
 *
 * @example
 * import { describeEngineConformance } from '@machop/core/testing';
 * describeEngineConformance('fused', { create: (request) => new FusedEngine(request) });
 */
export function describeEngineConformance(name: string, options: EngineConformanceOptions): void {
  const make = (optimizer: OptimizerSettings, weights = fixedWeights(11)): Engine => {
    const engine = options.create({
      layers: LAYERS,
      features: FEATURES,
      classes: CLASSES,
      seed: 5,
      optimizer,
    });
    engine.setWeights(weights, 'the conformance weights');
    return engine;
  };
  const { x, y } = fixedRows(12);

  describe(`engine "${name}" conformance`, () => {
    if (options.setup) it('sets up', options.setup);

    it('names its weights as tfjs does, in tfjs order, and hands out copies', () => {
      const engine = make(adam);
      const weights = engine.getWeights();
      expect(weights.map((weight) => weight.name)).toEqual(NAMES);
      expect(weights.map((weight) => weight.shape)).toEqual(SHAPES);
      weights[0].values.fill(0);
      expect(engine.getWeights()[0].values).toEqual(fixedWeights(11)[0].values);
      engine.dispose();
    });

    it('computes the reference logits and loss', () => {
      const engine = make({ ...plainSgd, learningRate: 0 });
      const logits = new Float32Array(ROWS * CLASSES);
      engine.evaluate(x, ROWS, logits);
      const expected = referenceLogits(
        fixedWeights(11).map((weight) => weight.values),
        x,
      );
      logits.forEach((value, index) => expect(value).toBeCloseTo(expected[index], 5));
      expect(engine.step(x, y, ROWS).loss()).toBeCloseTo(meanLoss(expected, y), 5);
      engine.dispose();
    });

    it('steps along the gradient that finite differences give', () => {
      const before = fixedWeights(11);
      const engine = make(plainSgd, before);
      engine.step(x, y, ROWS);
      const after = engine.getWeights();
      const values = before.map((weight) => Float64Array.from(weight.values));
      let largest = 0;
      const pairs: [number, number][] = [];
      values.forEach((array, weight) => {
        for (let index = 0; index < array.length; index++) {
          const original = array[index];
          const step = 1e-6;
          array[index] = original + step;
          const up = meanLoss(referenceLogits(values, x), y);
          array[index] = original - step;
          const down = meanLoss(referenceLogits(values, x), y);
          array[index] = original;
          const numeric = (up - down) / (2 * step);
          // learning rate 1: the step is the gradient.
          pairs.push([before[weight].values[index] - after[weight].values[index], numeric]);
          largest = Math.max(largest, Math.abs(numeric));
        }
      });
      for (const [engineGradient, numeric] of pairs)
        expect(Math.abs(engineGradient - numeric)).toBeLessThan(1e-4 * largest + 1e-6);
      engine.dispose();
    });

    it('is deterministic: the same weights and rows give bit-identical steps', () => {
      const [first, second] = [make(adam), make(adam)];
      for (let step = 0; step < 4; step++)
        expect(first.step(x, y, ROWS).loss()).toBe(second.step(x, y, ROWS).loss());
      expect(first.getWeights()).toEqual(second.getWeights());
      first.dispose();
      second.dispose();
    });

    it('continues bit for bit from its weights and optimizer state in another engine', () => {
      const source = make(adam);
      for (let step = 0; step < 3; step++) source.step(x, y, ROWS);
      const copy = make(adam, fixedWeights(99));
      copy.setWeights(source.getWeights(), 'the source engine');
      copy.setOptimizerState(source.getOptimizerState(), 'the source engine');
      expect(copy.getOptimizerState()).toEqual(source.getOptimizerState());
      for (let step = 0; step < 2; step++)
        expect(copy.step(x, y, ROWS).loss()).toBe(source.step(x, y, ROWS).loss());
      expect(copy.getWeights()).toEqual(source.getWeights());
      source.dispose();
      copy.dispose();
    });

    it('sums loss, correct rows and samples over steps until reset', () => {
      const engine = make(adam);
      const losses = [0, 1].map(() => engine.step(x, y, ROWS).loss());
      const totals = engine.readTotals();
      expect(totals.samples).toBe(2 * ROWS);
      expect(totals.loss).toBeCloseTo((losses[0] + losses[1]) * ROWS, 3);
      engine.resetTotals();
      expect(engine.readTotals()).toEqual({ loss: 0, correct: 0, samples: 0 });
      engine.dispose();
    });

    it('refuses the weights of another model with a typed error naming the source', () => {
      const engine = make(adam);
      const wrong = fixedWeights(11).map((weight) =>
        weight.name === 'dense_2/kernel'
          ? { ...weight, shape: [2, 2], values: new Float32Array(4) }
          : weight,
      );
      let error: unknown;
      try {
        engine.setWeights(wrong, 'another model');
      } catch (caught) {
        error = caught;
      }
      expect(isMachopError(error) && error.message).toMatch(/another model/);
      engine.dispose();
    });
  });
}
