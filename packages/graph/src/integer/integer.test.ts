import type { LayerSpec } from '@machop/core/base';
import { describe, expect, it } from 'vitest';
import { readQuantFixture } from '../fixture.js';
import {
  forward,
  graphOf,
  integerForward,
  integerLogits,
  integerPlan,
  IntegerPlanError,
  quantizeArray,
  signedWidth,
  weightsByName,
} from '../index.js';

const fixture = readQuantFixture();
const x = Float32Array.from(fixture.x);
const shape = { features: fixture.features, classes: fixture.classes };

/** Batch norm weights whose scale (0.5) and offset (0) are exact in fixed point. */
function exactBatchNorm(weights: Map<string, Float32Array>, base: string, size: number): void {
  weights.set(`${base}/gamma`, new Float32Array(size).fill(0.5));
  weights.set(`${base}/beta`, new Float32Array(size).fill(0.25));
  weights.set(`${base}/moving_mean`, new Float32Array(size).fill(0.5));
  weights.set(`${base}/moving_variance`, new Float32Array(size).fill(1 - 1e-5));
}

describe('integerForward, the golden model of the hardware', () => {
  const tiny = fixture.models[0];
  it.each(tiny.cases.map((entry) => [entry.config, entry] as const))(
    'is bit-exact with the fake-quantized forward of jsc-tiny (%s) where fixed point is exact',
    (_config, entry) => {
      const weights = weightsByName(tiny.weights);
      exactBatchNorm(weights, 'batch_norm_1', fixture.features);
      const graph = graphOf(entry.layers, shape);
      const plan = integerPlan(graph, weights);
      // Rows already on the input grid: the hardware's quantization of them changes nothing.
      const onGrid = quantizeArray(x, plan.inputFormat);
      const integers = integerForward(plan, onGrid, fixture.rows);
      for (const value of integers) expect(Number.isInteger(value)).toBe(true);
      expect(Array.from(integerLogits(plan, integers))).toEqual(
        Array.from(forward(graph, weights, onGrid, fixture.rows)),
      );
    },
  );

  it.each(fixture.models.flatMap((model) => model.cases.map((entry) => [model, entry] as const)))(
    'stays within a few steps of the fake-quantized logits with real batch norms (%s)',
    (model, entry) => {
      const weights = weightsByName(model.weights);
      const graph = graphOf(entry.layers, shape);
      const plan = integerPlan(graph, weights);
      const logits = integerLogits(plan, integerForward(plan, x, fixture.rows));
      const float = forward(graph, weights, x, fixture.rows);
      const worst = Math.max(...float.map((value, index) => Math.abs(value - logits[index])));
      // The input's and batch norms' fixed point move a value by a few data_in steps at most.
      expect(worst).toBeLessThan(0.5);
    },
  );

  it('keeps every value within its stage range, and the range within its width', () => {
    const model = fixture.models[1];
    const weights = weightsByName(model.weights);
    const plan = integerPlan(graphOf(model.cases[0].layers, shape), weights);
    // Extreme rows: every feature at the input range's ends.
    const rows = 2;
    const extremes = new Float32Array(rows * fixture.features);
    extremes.fill(100, 0, fixture.features).fill(-100, fixture.features);
    integerForward(plan, extremes, rows, {
      onStage(_index, stage, output) {
        for (const value of output) {
          expect(value).toBeGreaterThanOrEqual(stage.output.low);
          expect(value).toBeLessThanOrEqual(stage.output.high);
        }
        expect(signedWidth(stage.output.low, stage.output.high)).toBe(stage.output.width);
      },
    });
    expect(plan.stages.map((stage) => stage.kind)).toContain('affine');
  });
});

describe('integerPlan', () => {
  const quant = {
    dataIn: { width: 4, frac: 1 },
    weight: { width: 4, frac: 1 },
    bias: { width: 4, frac: 2 },
    dataOut: { width: 3, frac: 0 },
  };
  const layers: LayerSpec[] = [{ type: 'dense', units: 1, quant }];
  const weights = new Map([
    ['dense_1/kernel', Float32Array.of(1.5)],
    ['dense_1/bias', Float32Array.of(0.25)],
  ]);
  const plan = integerPlan(graphOf(layers, { features: 1, classes: 1 }), weights);

  it('aligns the bias to the product and sizes the accumulator for the exact range', () => {
    const dense = plan.stages.find((stage) => stage.kind === 'dense')!;
    // weight 1.5 = 3/2, input frac 1: products at frac 2, where the bias 0.25 is 1.
    expect(dense).toMatchObject({ weights: [3], biases: [1], output: { frac: 2 } });
    // input in [-8, 7] steps: 3 * [-8, 7] + 1 = [-23, 22], six signed bits.
    expect(dense.output).toMatchObject({ low: -23, high: 22, width: 6 });
  });

  it('requantizes the output half to even and saturates at both ends', () => {
    // x = 0.5 -> 1 step; 3 * 1 + 1 = 4 quarters = 1.0; x = 1.5 -> 3 * 3 + 1 = 10/4 = 2.5 -> 2.
    // x = -0.5: -3 + 1 = -2/4 = -0.5 -> -0 (even); x = 3.5: 22/4 = 5.5 -> 3 (saturated).
    const out = integerForward(plan, Float32Array.of(0.5, 1.5, -0.5, 3.5, -4), 5);
    expect(Array.from(out)).toEqual([1, 2, 0, 3, -4]);
  });

  it('refuses a float graph, naming what to do', () => {
    const float = graphOf([{ type: 'dense', units: 1 }], { features: 1, classes: 1 });
    expect(() => integerPlan(float, weights)).toThrow(/float.*ch transform/);
  });

  it('names a node without integer hardware', () => {
    const tanh: LayerSpec[] = [
      { type: 'dense', units: 1, quant },
      { type: 'activation', activation: 'tanh' },
    ];
    const graph = graphOf(tanh, { features: 1, classes: 1 });
    expect(() => integerPlan(graph, weights)).toThrow(IntegerPlanError);
    expect(() => integerPlan(graph, weights)).toThrow(/node seq_blocks_1 \(tanh\)/);
  });
});
