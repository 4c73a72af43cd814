// Quantized dense and ReLU layers built by buildSequential: their forward against a plain
// JavaScript forward that quantizes with @machop/graph, and their gradients against the float
// layers' gradients taken at the quantized values (the straight-through estimator).
import {
  createRandom,
  initBackend,
  isMachopError,
  tf,
  type LayerSpec,
  type QuantSpec,
} from '@machop/core';
import { quantizeArray } from '@machop/graph';
import { describe, expect, it } from 'vitest';
import { buildSequential } from '../build.js';
import { expectSameValues } from '../test-support/quantize.js';

/** Random float32 values in ±`range`, every seventh one a tie of the 2^-4 grid. */
function values(count: number, seed: number, range: number): Float32Array {
  const next = createRandom(seed);
  return Float32Array.from({ length: count }, (_, index) =>
    index % 7 === 0
      ? (Math.floor((next() * 2 - 1) * range * 16) + 0.5) / 16
      : (next() * 2 - 1) * range,
  );
}

const F84 = { width: 8, frac: 4 };
// Every quantized sum below is exact in float32 (at most 18 significant bits), so tfjs and the
// reference agree bit for bit whatever order their matrix products add in.
const LAYERS: LayerSpec[] = [
  { type: 'dense', units: 8, quant: { dataIn: F84, weight: F84, bias: F84, dataOut: F84 } },
  { type: 'activation', activation: 'relu', quant: { dataIn: F84 } },
  {
    type: 'dense',
    units: 5,
    quant: {
      dataIn: { width: 5, frac: 2 },
      weight: { width: 6, frac: 3 },
      bias: { width: 4, frac: 1 },
      floor: true,
    },
  },
  { type: 'activation', activation: 'relu', quant: { dataIn: { width: 4, frac: 1 }, floor: true } },
];

/** A dense layer's forward in plain JavaScript, quantized as its spec says. */
function referenceDense(
  input: Float32Array,
  kernel: Float32Array,
  bias: Float32Array,
  units: number,
  spec: Extract<LayerSpec, { type: 'dense' }>,
): Float32Array {
  const { dataIn, weight, bias: biasFormat, dataOut, floor } = spec.quant!;
  const x = quantizeArray(input, dataIn!, { floor });
  const w = quantizeArray(kernel, weight!, { floor });
  const b = quantizeArray(bias, biasFormat!, { floor });
  const width = w.length / units;
  const rows = x.length / width;
  const output = new Float32Array(rows * units);
  for (let row = 0; row < rows; row++)
    for (let unit = 0; unit < units; unit++) {
      let sum = b[unit];
      for (let i = 0; i < width; i++) sum += x[row * width + i] * w[i * units + unit];
      output[row * units + unit] = sum;
    }
  return dataOut ? quantizeArray(output, dataOut, { floor }) : output;
}

/**
 * A ReLU's forward in plain JavaScript: its input quantized unsigned, always rounding half to even
 * (MASE's ReLUInteger ignores `floor`), then max(0, x).
 */
function referenceRelu(input: Float32Array, spec: Extract<LayerSpec, { type: 'activation' }>) {
  return quantizeArray(input, spec.quant!.dataIn!, { unsigned: true }).map((value) =>
    Math.max(0, value),
  );
}

describe.each(['cpu', 'wasm'] as const)('quantized layers on the %s backend', (backend) => {
  it('compute what @machop/graph quantizeArray in a plain float forward computes, bit for bit', async () => {
    await initBackend({ backend });
    const model = buildSequential(LAYERS, { features: 16, seed: 1, tf });
    const kernels = [values(16 * 8, 2, 10), values(8 * 5, 3, 5)];
    const biases = [values(8, 4, 10), values(5, 5, 5)];
    model.getLayer('dense_1').setWeights([tf.tensor(kernels[0], [16, 8]), tf.tensor(biases[0])]);
    model.getLayer('dense_2').setWeights([tf.tensor(kernels[1], [8, 5]), tf.tensor(biases[1])]);
    const rows = 64;
    const x = values(rows * 16, 6, 12);
    const output = tf.tidy(() =>
      (model.predict(tf.tensor2d(x, [rows, 16])) as tf.Tensor).dataSync(),
    );

    let expected = x;
    let dense = 0;
    for (const spec of LAYERS) {
      if (spec.type === 'dense') {
        expected = referenceDense(expected, kernels[dense], biases[dense], spec.units, spec);
        dense++;
      } else if (spec.type === 'activation') expected = referenceRelu(expected, spec);
    }
    expectSameValues(output, expected);
    // Not vacuous: the grid, saturation and ReLU all changed something.
    expect(new Set(expected).size).toBeGreaterThan(10);
    model.dispose();
  });

  it('pass gradients straight through: a dense layer has the float gradients at its quantized values', async () => {
    await initBackend({ backend });
    const narrow = { width: 4, frac: 1 }; // values -4..3.5: many clamp
    const spec: LayerSpec = {
      type: 'dense',
      units: 3,
      quant: { dataIn: narrow, weight: narrow, bias: narrow, dataOut: narrow },
    };
    const quantized = buildSequential([spec], { features: 6, seed: 7, tf });
    const float = buildSequential([{ type: 'dense', units: 3 }], { features: 6, seed: 7, tf });
    const kernel = values(18, 8, 6);
    const bias = values(3, 9, 6);
    const x = values(4 * 6, 10, 6);
    const upstream = tf.tensor2d(values(4 * 3, 11, 1), [4, 3]);
    quantized.layers[0].setWeights([tf.tensor(kernel, [6, 3]), tf.tensor(bias)]);
    float.layers[0].setWeights([
      tf.tensor(quantizeArray(kernel, narrow), [6, 3]),
      tf.tensor(quantizeArray(bias, narrow)),
    ]);
    const gradients = (model: tf.LayersModel, input: Float32Array) =>
      tf.tidy(() => {
        const inputs = tf.variable(tf.tensor2d(input, [4, 6]));
        const weights = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
        const { grads } = tf.variableGrads(
          () => tf.sum<tf.Scalar>(tf.mul(model.apply(inputs) as tf.Tensor, upstream)),
          [inputs, ...weights],
        );
        const result = [inputs, ...weights].map((variable) => grads[variable.name].dataSync());
        inputs.dispose();
        return result;
      });
    const [inputGradient, kernelGradient, biasGradient] = gradients(quantized, x);
    const expected = gradients(float, quantizeArray(x, narrow));
    expectSameValues(inputGradient, expected[0]);
    expectSameValues(kernelGradient, expected[1]);
    expectSameValues(biasGradient, expected[2]);
    // Also where clamped: a kernel value beyond ±4 still gets its gradient.
    const clamped = kernel.findIndex((value) => Math.abs(value) > 4.5);
    expect(clamped).toBeGreaterThanOrEqual(0);
    expect(kernelGradient[clamped]).not.toBe(0);
    tf.dispose([upstream]);
    quantized.dispose();
    float.dispose();
  });

  it('pass gradients straight through a ReLU: the float ReLU gradient at the quantized input', async () => {
    await initBackend({ backend });
    const format = { width: 3, frac: 1 }; // unsigned: 0..3.5
    const quantized = buildSequential(
      [{ type: 'activation', activation: 'relu', quant: { dataIn: format } }],
      { features: 8, seed: 1, tf },
    );
    const x = Float32Array.from([-2, -0.2, 0.2, 0.25, 0.3, 1.75, 3.5, 9]);
    const upstream = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [1, 8]);
    const gradient = (input: Float32Array, apply: (x: tf.Tensor) => tf.Tensor) =>
      tf.tidy(() =>
        tf
          .grad((t: tf.Tensor) => tf.sum(tf.mul(apply(t), upstream)))(tf.tensor2d(input, [1, 8]))
          .dataSync(),
      );
    const got = gradient(x, (t) => quantized.apply(t) as tf.Tensor);
    const expected = gradient(quantizeArray(x, format, { unsigned: true }), (t) => tf.relu(t));
    expectSameValues(got, expected);
    // 9 is clamped to 3.5 and keeps its gradient; 0.2 and 0.25 round to 0 and get none, as ReLU at 0.
    expectSameValues(got, [0, 0, 0, 0, 5, 6, 7, 8]);
    upstream.dispose();
    quantized.dispose();
  });
});

describe('a quant spec buildSequential refuses', () => {
  const refusal = (layers: LayerSpec[]) => {
    try {
      buildSequential(layers, { features: 4, seed: 0, tf }).dispose();
    } catch (error) {
      expect(isMachopError(error)).toBe(true);
      return (error as Error).message;
    }
    throw new Error('expected an error');
  };

  it('names the layer and the field of a width that is not a whole number from 1 to 32', () => {
    expect(refusal([{ type: 'dense', units: 2, quant: { weight: { width: 0, frac: 0 } } }])).toBe(
      'dense layer 0 quant.weight width must be a whole number from 1 to 32, such as 8; got 0',
    );
  });

  it('names a quantizer name other than integer or fixed (a hand-edited checkpoint)', () => {
    const quant = { weight: F84, arithmetic: 'minifloat' } as unknown as QuantSpec;
    expect(refusal([{ type: 'dense', units: 2, quant }])).toBe(
      'dense layer 0 quant.arithmetic must be "integer" or "fixed"; got "minifloat"',
    );
  });

  it('says that only a ReLU can be quantized', () => {
    expect(refusal([{ type: 'activation', activation: 'tanh', quant: { dataIn: F84 } }])).toBe(
      "activation layer 0 is tanh; only a relu can be quantized (MASE quantizes a ReLU's input), so remove its quant",
    );
  });
});
