// A quantized model's checkpoint: float weights under tfjs' names, the quantization in the
// layers' config in model.json. Machop.ts loads it back quantized; plain tfjs (a child process
// with no Machop.ts code) loads it as the float model.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRandom, initBackend, loadModel, saveModel, tf, type LayerSpec } from '@machop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSequential } from '../build.js';
import { jscTinyLayers } from '../jsc/tiny.js';
import { expectSameValues } from '../test-support/quantize.js';

let dir: string;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(path.join(os.tmpdir(), 'machop-quantized-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const F84 = { width: 8, frac: 4 };
const DENSE_QUANT = { dataIn: F84, weight: F84, bias: F84, dataOut: { width: 6, frac: 2 } };
const RELU_QUANT = { dataIn: { width: 3, frac: 1 }, floor: true };

/** jsc-tiny with its Linear and last ReLU quantized. */
function quantizedTiny(): LayerSpec[] {
  const layers = jscTinyLayers({ features: 16, classes: 5, options: {} });
  return layers.map((spec, index) =>
    spec.type === 'dense'
      ? { ...spec, quant: DENSE_QUANT }
      : spec.type === 'activation' && index === layers.length - 1
        ? { ...spec, quant: RELU_QUANT }
        : spec,
  );
}

const ROWS = 32;
const x = (() => {
  const next = createRandom(5);
  return Array.from({ length: ROWS * 16 }, () => next() * 6 - 3);
})();

function predict(model: tf.LayersModel): Float32Array {
  return tf.tidy(() =>
    (model.predict(tf.tensor2d(x, [ROWS, 16])) as tf.Tensor).dataSync<'float32'>(),
  );
}

const PLAIN_LOADER = `
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
const [dir, rows] = process.argv.slice(1);
const json = JSON.parse(readFileSync(dir + '/model.json', 'utf8'));
const weights = readFileSync(dir + '/weights.bin');
const model = await loadLayersModel(tf.io.fromMemory({
  modelTopology: json.modelTopology,
  weightSpecs: json.weightsManifest[0].weights,
  weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
}));
const x = JSON.parse(readFileSync(dir + '/x.json', 'utf8'));
process.stdout.write(JSON.stringify(Array.from(model.predict(tf.tensor2d(x, [Number(rows), 16])).dataSync())));
`;

describe('a quantized jsc-tiny checkpoint', () => {
  it('keeps the float weights under their tfjs names and the quantization in model.json', async () => {
    const model = buildSequential(quantizedTiny(), { features: 16, seed: 2, tf });
    const float = buildSequential(jscTinyLayers({ features: 16, classes: 5, options: {} }), {
      features: 16,
      seed: 2,
      tf,
    });
    expect(model.weights.map((weight) => weight.originalName)).toEqual(
      float.weights.map((weight) => weight.originalName),
    );
    const target = path.join(dir, 'names');
    await saveModel(model, target);
    const json = JSON.parse(await readFile(path.join(target, 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: { class_name: string; config: { quant?: unknown } }[] } };
    };
    const layers = json.modelTopology.config.layers;
    expect(layers.map((layer) => layer.class_name)).toEqual([
      'BatchNormalization',
      'Activation',
      'Dense',
      'Activation',
    ]);
    // tfjs writes config keys in Python's snake case.
    expect(layers[2].config.quant).toEqual({
      data_in: F84,
      weight: F84,
      bias: F84,
      data_out: { width: 6, frac: 2 },
    });
    expect(layers[3].config.quant).toEqual({ data_in: { width: 3, frac: 1 }, floor: true });
    expect(layers[1].config.quant).toBeUndefined();
    model.dispose();
    float.dispose();
  });

  it('loads back in Machop.ts quantized, predicting bit for bit what it predicted', async () => {
    const model = buildSequential(quantizedTiny(), { features: 16, seed: 3, tf });
    const target = path.join(dir, 'round-trip');
    await saveModel(model, target);
    const loaded = await loadModel(target);
    expect((loaded.getLayer('dense_1') as unknown as { quant: unknown }).quant).toEqual(
      DENSE_QUANT,
    );
    expect((loaded.getLayer('relu_2') as unknown as { quant: unknown }).quant).toEqual(RELU_QUANT);
    const expected = predict(model);
    expectSameValues(predict(loaded), expected);
    // The quantization shows: every output is on the ReLU's 0.5 grid, at most 3.5.
    expect(expected.every((value) => value * 2 === Math.round(value * 2) && value <= 3.5)).toBe(
      true,
    );
    model.dispose();
    loaded.dispose();
  });

  it('loads in plain tfjs as the float model', async () => {
    const model = buildSequential(quantizedTiny(), { features: 16, seed: 4, tf });
    const float = buildSequential(jscTinyLayers({ features: 16, classes: 5, options: {} }), {
      features: 16,
      seed: 4,
      tf,
    });
    float.setWeights(model.getWeights());
    const target = path.join(dir, 'plain');
    await saveModel(model, target, { 'x.json': JSON.stringify(x) });
    const output = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', PLAIN_LOADER, target, String(ROWS)],
      { encoding: 'utf8', cwd: import.meta.dirname },
    );
    const plain = JSON.parse(output) as number[];
    const expected = predict(float);
    plain.forEach((value, index) => expect(value).toBeCloseTo(expected[index], 5));
    // ...and not the quantized one.
    const quantized = predict(model);
    expect(plain.some((value, index) => Math.abs(value - quantized[index]) > 1e-3)).toBe(true);
    model.dispose();
    float.dispose();
    // A child process that loads tfjs takes seconds on a busy machine.
  }, 60_000);
});
