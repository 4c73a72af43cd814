import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  createRandom,
  initBackend,
  isMachopError,
  loadModel,
  saveModel,
  setStepSeed,
  tf,
} from '@machop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSequential } from '../build.js';
import { layerClasses } from './classes.js';
import type { SeededDropout } from './seeded-dropout.js';

let dir: string;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(path.join(os.tmpdir(), 'machop-dropout-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ROWS = 64;
const WIDTH = 50;

function inputs(): tf.Tensor2D {
  const next = createRandom(17);
  return tf.tensor2d(
    Float32Array.from({ length: ROWS * WIDTH }, () => 1 + next()),
    [ROWS, WIDTH],
  );
}

/** Output of one layer application at a given step seed. */
function run(model: tf.LayersModel, step: number, training = true): Float32Array {
  setStepSeed(step);
  return tf.tidy(() => (model.apply(inputs(), { training }) as tf.Tensor).dataSync<'float32'>());
}

const dropoutModel = (rate: number, seed = 5) =>
  buildSequential([{ type: 'dropout', rate }], { features: WIDTH, seed, tf });

describe('SeededDropout', () => {
  it('gives the same mask for the same step seed and another for another step', () => {
    const model = dropoutModel(0.5);
    const first = run(model, 1);
    expect(run(model, 1)).toEqual(first);
    const second = run(model, 2);
    expect(second).not.toEqual(first);
    // A rebuilt model with the same seed repeats the masks; another model seed does not.
    expect(run(dropoutModel(0.5), 2)).toEqual(second);
    expect(run(dropoutModel(0.5, 6), 2)).not.toEqual(second);
    model.dispose();
  });

  it('drops about `rate` of the inputs and scales the others by 1/(1 - rate), as PyTorch does', () => {
    const rate = 0.3;
    const model = dropoutModel(rate);
    const input = tf.tidy(() => inputs().dataSync());
    const output = run(model, 7);
    let dropped = 0;
    for (let index = 0; index < output.length; index++) {
      if (output[index] === 0) dropped++;
      else expect(output[index]).toBeCloseTo(input[index] / (1 - rate), 5);
    }
    // 3200 draws: the fraction is within 0.05 of the rate far beyond any reasonable doubt.
    expect(Math.abs(dropped / output.length - rate)).toBeLessThan(0.05);
    model.dispose();
  });

  it('is the identity in inference', () => {
    const model = dropoutModel(0.5);
    const input = tf.tidy(() => inputs().dataSync());
    expect(run(model, 3, false)).toEqual(input);
    expect(tf.tidy(() => (model.predict(inputs()) as tf.Tensor).dataSync())).toEqual(input);
    model.dispose();
  });

  it('passes gradients through the kept units only', () => {
    const model = dropoutModel(0.5);
    setStepSeed(4);
    const [output, gradient] = tf.tidy(() => {
      const x = inputs();
      const forward = (value: tf.Tensor) =>
        tf.sum(model.apply(value, { training: true }) as tf.Tensor);
      return [
        (model.apply(x, { training: true }) as tf.Tensor).dataSync(),
        tf.grad(forward)(x).dataSync(),
      ];
    });
    for (let index = 0; index < output.length; index++)
      expect(gradient[index]).toBe(output[index] === 0 ? 0 : 2);
    model.dispose();
  });

  it('draws independent masks in two dropout layers of one model', () => {
    const model = buildSequential(
      [
        { type: 'dropout', rate: 0.5 },
        { type: 'dropout', rate: 0.5 },
      ],
      { features: WIDTH, seed: 1, tf },
    );
    setStepSeed(9);
    const [first, second] = tf.tidy(() => {
      const x = inputs();
      const mask = (layer: string) =>
        tf.notEqual(model.getLayer(layer).apply(x, { training: true }) as tf.Tensor, 0).dataSync();
      return [mask('dropout_1'), mask('dropout_2')];
    });
    expect(first).not.toEqual(second);
    model.dispose();
  });

  it('saves as tfjs’ own Dropout with its rate and seed, the identity in inference', async () => {
    const model = buildSequential(
      [
        { type: 'dense', units: WIDTH },
        { type: 'dropout', rate: 0.25 },
      ],
      { features: WIDTH, seed: 2, tf },
    );
    await saveModel(model, path.join(dir, 'dropout'));
    const json = JSON.parse(await readFile(path.join(dir, 'dropout', 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: { class_name: string; config: object }[] } };
    };
    const saved = json.modelTopology.config.layers.find((layer) => layer.class_name === 'Dropout');
    expect(saved?.config).toMatchObject({
      rate: 0.25,
      name: 'dropout_1',
      seed: (model.getLayer('dropout_1') as SeededDropout).seed,
    });
    const loaded = await loadModel(path.join(dir, 'dropout'));
    expect(loaded.getLayer('dropout_1').getClassName()).toBe('Dropout');
    expect(run(loaded, 12, false)).toEqual(run(model, 12, false));
    model.dispose();
    loaded.dispose();
  });

  it('refuses a rate outside [0, 1) with a ModelError', () => {
    for (const rate of [-0.1, 1, Number.NaN]) {
      let error: unknown;
      try {
        new (layerClasses(tf).SeededDropout)({ rate, seed: 0 });
      } catch (caught) {
        error = caught;
      }
      expect(isMachopError(error)).toBe(true);
    }
  });
});
