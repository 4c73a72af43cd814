// A checkpoint must load in plain TensorFlow.js, as a web page would load it: a child process
// that imports only @tensorflow/tfjs-core, -layers and -backend-cpu (no Machop.ts code, so no
// custom class is registered) runs tf.loadLayersModel on model.json + weights.bin.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRandom, initBackend, saveModel, tf } from '@machop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSequential } from '../build.js';
import { jscCustomLayers } from '../jsc/custom.js';
import { jscTrtLayers } from '../jsc/trt.js';

let dir: string;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(path.join(os.tmpdir(), 'machop-plain-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

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
const out = model.predict(tf.tensor2d(x, [Number(rows), 16]));
process.stdout.write(JSON.stringify({
  layers: model.layers.map((layer) => layer.getClassName()),
  logits: Array.from(out.dataSync()),
}));
`;

describe.each([
  ['jsc-custom', jscCustomLayers],
  ['jsc-trt', jscTrtLayers],
])('a %s checkpoint in plain tfjs', (name, layers) => {
  it('loads with tf.loadLayersModel and predicts what the model predicts', async () => {
    const model = buildSequential(layers({ features: 16, classes: 5, options: {} }), {
      features: 16,
      seed: 4,
      tf,
    });
    // A few training steps so running statistics and weights are not their initial values.
    const next = createRandom(3);
    const rows = 32;
    const x = Array.from({ length: rows * 16 }, () => next() * 4 - 2);
    tf.tidy(() => model.apply(tf.tensor2d(x, [rows, 16]), { training: true }) as tf.Tensor);
    const target = path.join(dir, name);
    await saveModel(model, target, { 'x.json': JSON.stringify(x) });
    const output = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', PLAIN_LOADER, target, String(rows)],
      { encoding: 'utf8', cwd: import.meta.dirname },
    );
    const plain = JSON.parse(output) as { layers: string[]; logits: number[] };
    expect(plain.layers).toContain('Dropout');
    expect(plain.layers).toContain('BatchNormalization');
    const expected = tf.tidy(() =>
      Array.from((model.predict(tf.tensor2d(x, [rows, 16])) as tf.Tensor).dataSync()),
    );
    plain.logits.forEach((value, index) => expect(value).toBeCloseTo(expected[index], 5));
    model.dispose();
    // A child process that loads tfjs takes seconds on a busy machine.
  }, 60_000);
});
