// A process that loads a quantized checkpoint before building any model: the layers are
// registered with tfjs only once registerLayers(tf) has run (vitest gives this file a fresh
// tfjs, so nothing else in the suite has registered them here).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initBackend, loadModel, saveModel, tf } from '@machop/core';
import { quantizeArray } from '@machop/graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerLayers } from './classes.js';
import { expectSameValues } from '../test-support/quantize.js';

let dir: string;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(path.join(os.tmpdir(), 'machop-register-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FORMAT = { width: 4, frac: 1 };
const X = Float32Array.from([0.3, -1.2, 2.75, 5, -0.25, 0.8, -3.3, 1.25]);

describe('registerLayers', () => {
  it('makes tf.loadLayersModel give back the quantized layers a model.json describes', async () => {
    // A float model of plain tfjs layers, and the quant entry `ch transform` writes into its config.
    const float = tf.sequential({
      layers: [tf.layers.dense({ units: 3, inputShape: [4], name: 'dense_1' })],
    });
    await saveModel(float, dir);
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(await readFile(file, 'utf8')) as {
      modelTopology: { config: { layers: { config: Record<string, unknown> }[] } };
    };
    json.modelTopology.config.layers[0].config.quant = { data_in: FORMAT, weight: FORMAT };
    await writeFile(file, JSON.stringify(json));
    const predict = (model: tf.LayersModel) =>
      tf.tidy(() => (model.predict(tf.tensor2d(X, [2, 4])) as tf.Tensor).dataSync());

    const unregistered = await loadModel(dir);
    expect((unregistered.layers[0] as unknown as { quant?: unknown }).quant).toBeUndefined();
    expectSameValues(predict(unregistered), predict(float));

    registerLayers(tf);
    const loaded = await loadModel(dir);
    expect((loaded.layers[0] as unknown as { quant?: unknown }).quant).toEqual({
      dataIn: FORMAT,
      weight: FORMAT,
    });
    // The quantized forward: inputs and kernel on the 0.5 grid, the bias float.
    const quantized = tf.sequential({
      layers: [tf.layers.dense({ units: 3, inputShape: [4] })],
    });
    const [kernel, bias] = float.getWeights();
    quantized.setWeights([
      tf.tensor(quantizeArray(kernel.dataSync<'float32'>(), FORMAT), [4, 3]),
      bias,
    ]);
    const expected = tf.tidy(() =>
      (quantized.predict(tf.tensor2d(quantizeArray(X, FORMAT), [2, 4])) as tf.Tensor).dataSync(),
    );
    expectSameValues(predict(loaded), expected);
    for (const model of [unregistered, loaded, float, quantized]) model.dispose();
  });
});
