// Fake quantization in the fused engine: a quantized dense or ReLU must round exactly as
// @machop/graph's quantizeArray (MASE's integer quantizer: half to even, saturating), compute in
// float, and pass gradients straight through to the float weights, also where values saturate.
import { loadPlugins, mixSeed, setStepSeed, type LayerSpec, type QuantSpec } from '@machop/core';
import { quantizeArray } from '@machop/graph';
import modelsPlugin from '@machop/models';
import { describe, expect, it } from 'vitest';
import { FusedEngine } from '../fused-engine.js';
import { unsupportedReason } from '../plan.js';
import { FROZEN, jscLayers, jscRows, quantizeLinear } from '../testing.js';
import type { NamedArray, OptimizerSettings } from '../types.js';

await loadPlugins([modelsPlugin]);

const FORMAT = { width: 8, frac: 4 };
const SGD: OptimizerSettings = {
  kind: 'sgd',
  learningRate: 1,
  weightDecay: 0,
  momentum: 0,
  nesterov: false,
};

function engine(
  layers: LayerSpec[],
  classes: number,
  optimizer = FROZEN,
  threads = 1,
  placement: 'here' | 'worker' = 'here',
): FusedEngine {
  return new FusedEngine({ layers, features: 16, classes, seed: 2, optimizer, threads, placement });
}

function quantized(weights: NamedArray[], spec: QuantSpec): NamedArray[] {
  return weights.map((weight) => {
    const format = weight.name.endsWith('kernel') ? spec.weight : spec.bias;
    return {
      ...weight,
      values: format ? quantizeArray(weight.values, format, spec) : weight.values,
    };
  });
}

describe.each([{}, { floor: true }])('a quantized dense layer %o', (rounding) => {
  const spec: QuantSpec = {
    dataIn: FORMAT,
    weight: { width: 6, frac: 3 },
    bias: FORMAT,
    dataOut: { width: 10, frac: 5 },
    ...rounding,
  };
  const { x, y } = jscRows(4, 64);
  // Saturating values at both ends, and exact ties of the 8/4 grid at both signs.
  x.set([100, -100, 0.03125, 0.09375, -0.03125, -0.09375, 7.96875, -8.03125]);

  it('computes the float layer of quantizeArray’s input, weight and bias, then quantizes the output', () => {
    const ours = engine([{ type: 'dense', units: 5, quant: spec }], 5);
    const float = engine([{ type: 'dense', units: 5 }], 5);
    float.setWeights(quantized(ours.getWeights(), spec));
    const [actual, expected] = [new Float32Array(320), new Float32Array(320)];
    ours.evaluate(x, 64, actual);
    float.evaluate(quantizeArray(x, FORMAT, spec), 64, expected);
    expect(actual).toEqual(quantizeArray(expected, spec.dataOut!, spec));
  });

  it('rounds ties as quantizeArray does and saturates at both ends (identity kernel)', () => {
    const ours = engine(
      [{ type: 'dense', units: 16, useBias: false, quant: { dataIn: FORMAT, ...rounding } }],
      16,
    );
    const identity = new Float32Array(256);
    for (let index = 0; index < 16; index++) identity[index * 17] = 1;
    ours.setWeights([{ name: 'dense_1/kernel', shape: [16, 16], values: identity }]);
    const output = new Float32Array(16);
    ours.evaluate(x, 1, output);
    expect(output).toEqual(quantizeArray(x.subarray(0, 16), FORMAT, rounding));
    const tie = rounding.floor ? [0, 0.0625, -0.0625, -0.125] : [0, 0.125, 0, -0.125];
    expect([...output.subarray(0, 8)]).toEqual([7.9375, -8, ...tie, 7.9375, -8]);
  });

  it('passes the gradient straight through to the float weights, also where they saturate', () => {
    // Without dataOut: the float layer's loss would see other logits.
    const { dataOut: _, ...noOut } = spec;
    const ours = engine([{ type: 'dense', units: 5, quant: noOut }], 5, SGD);
    const start = ours.getWeights();
    start[0].values[0] = 20; // far beyond the 6/3 grid's 3.875
    ours.setWeights(start);
    const float = engine([{ type: 'dense', units: 5 }], 5, SGD);
    const grid = quantized(start, noOut);
    float.setWeights(grid);
    ours.step(x, y, 64);
    float.step(quantizeArray(x, FORMAT, noOut), y, 64);
    const [after, floatAfter] = [ours.getWeights(), float.getWeights()];
    after.forEach((weight, index) =>
      weight.values.forEach((value, at) => {
        const step = start[index].values[at] - value;
        expect(step).toBeCloseTo(grid[index].values[at] - floatAfter[index].values[at], 6);
      }),
    );
    expect(start[0].values[0] - after[0].values[0]).not.toBe(0);
  });
});

describe('a quantized ReLU', () => {
  it('is quantizeArray of its input onto the unsigned grid', () => {
    const relu = { dataIn: { width: 4, frac: 2 } };
    const ours = engine(
      [
        { type: 'dense', units: 16 },
        { type: 'activation', activation: 'relu', quant: relu },
      ],
      16,
    );
    const float = engine([{ type: 'dense', units: 16 }], 16);
    float.setWeights(ours.getWeights());
    const { x } = jscRows(5, 32);
    const [actual, dense] = [new Float32Array(512), new Float32Array(512)];
    ours.evaluate(x, 32, actual);
    float.evaluate(x, 32, dense);
    expect(actual).toEqual(quantizeArray(dense, relu.dataIn, { unsigned: true }));
    expect(actual.every((value) => value >= 0 && Number.isInteger(value * 4))).toBe(true);
  });

  it('is the only quantized activation the engine accepts', () => {
    const quant = { dataIn: FORMAT };
    expect(unsupportedReason([{ type: 'activation', activation: 'relu', quant }])).toBeUndefined();
    expect(unsupportedReason([{ type: 'activation', activation: 'tanh', quant }])).toMatch(
      /quantizes ReLU only/,
    );
  });
});

describe.each(['jsc-tiny', 'jsc-s'])('quantization-aware training of %s (8/4 linear)', (name) => {
  const float = jscLayers(name, 2);
  const adam: OptimizerSettings = { kind: 'adam', learningRate: 1e-2, weightDecay: 0 };
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

  function train(
    layers: LayerSpec[],
    steps: number,
    threads = 1,
    placement: 'here' | 'worker' = 'here',
  ): number[] {
    const model = engine(layers, 5, adam, threads, placement);
    const losses = Array.from({ length: steps }, (_, step) => {
      const { x, y } = jscRows(step % 8, 256);
      setStepSeed(mixSeed(2, step));
      return model.step(x, y, 256).loss();
    });
    model.dispose();
    return losses;
  }

  it('learns about as the float model does', () => {
    const quantizedLosses = train(quantizeLinear(float, FORMAT), 60);
    const floatLosses = train(float, 60);
    const last = mean(quantizedLosses.slice(-10));
    expect(last).toBeLessThan(0.95 * mean(quantizedLosses.slice(0, 10)));
    expect(Math.abs(last - mean(floatLosses.slice(-10)))).toBeLessThan(0.1);
  });

  // Later steps of one and two threads part: a float32 sum in another order can move a weight
  // across a grid boundary (Adam's first steps move near-zero gradients by the full rate).
  it('on two threads: the first step of one thread, and bit-identical wherever the half runs', () => {
    const layers = quantizeLinear(float, FORMAT);
    const one = train(layers, 1);
    const here = train(layers, 5, 2, 'here');
    expect(Math.abs(here[0] - one[0]) / one[0]).toBeLessThan(1e-6);
    expect(train(layers, 5, 2, 'worker')).toEqual(here);
  });
});
