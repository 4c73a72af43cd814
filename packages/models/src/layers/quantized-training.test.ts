// Quantization-aware training: jsc-tiny with MASE's example precision (Linear input, weight and
// bias at 8 bits, 4 fractional) trained by the trainer's tfjs engine learns through the
// straight-through estimator.
import { createRandom, initBackend, tf } from '@machop/core';
import { TfjsEngine } from '@machop/trainer';
import { describe, expect, it } from 'vitest';
import { buildSequential } from '../build.js';
import { jscTinyLayers } from '../jsc/tiny.js';

const FEATURES = 16;
const CLASSES = 5;
const ROWS = 2048;
const F84 = { width: 8, frac: 4 };

/** Five Gaussian clusters in 16 features: learnable, but not in one step. */
function clusters(seed: number): { x: Float32Array; y: Int32Array } {
  const next = createRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const centres = Array.from({ length: CLASSES * FEATURES }, normal);
  const x = new Float32Array(ROWS * FEATURES);
  const y = new Int32Array(ROWS);
  for (let row = 0; row < ROWS; row++) {
    y[row] = row % CLASSES;
    for (let feature = 0; feature < FEATURES; feature++)
      x[row * FEATURES + feature] = centres[y[row] * FEATURES + feature] + 0.8 * normal();
  }
  return { x, y };
}

describe('jsc-tiny quantized 8/4 on the tfjs engine', () => {
  it('learns: the epoch loss falls and accuracy reaches twice chance', async () => {
    await initBackend({ backend: 'wasm' });
    const layers = jscTinyLayers({ features: FEATURES, classes: CLASSES, options: {} }).map(
      (spec) =>
        spec.type === 'dense' ? { ...spec, quant: { dataIn: F84, weight: F84, bias: F84 } } : spec,
    );
    const model = buildSequential(layers, { features: FEATURES, seed: 1, tf });
    const engine = new TfjsEngine(model, { kind: 'adam', learningRate: 0.01, weightDecay: 0 });
    const { x, y } = clusters(3);
    const batch = 128;
    const epochs: { loss: number; accuracy: number }[] = [];
    for (let epoch = 0; epoch < 6; epoch++) {
      engine.resetTotals();
      for (let start = 0; start < ROWS; start += batch)
        engine.step(
          x.subarray(start * FEATURES, (start + batch) * FEATURES),
          y.subarray(start, start + batch),
          batch,
        );
      const totals = engine.readTotals();
      epochs.push({
        loss: totals.loss / totals.samples,
        accuracy: totals.correct / totals.samples,
      });
    }
    const [first, last] = [epochs[0], epochs[epochs.length - 1]];
    expect(last.loss, JSON.stringify(epochs)).toBeLessThan(0.8 * first.loss);
    expect(last.accuracy, JSON.stringify(epochs)).toBeGreaterThan(0.4); // chance is 0.2
    // The weights stay float: training moves them off the 2^-4 grid the forward rounds them to.
    const kernel = engine.getWeights().find((weight) => weight.name === 'dense_1/kernel')!;
    expect(kernel.values.some((value) => value * 16 !== Math.round(value * 16))).toBe(true);
    engine.dispose();
    model.dispose();
  }, 60_000);
});
