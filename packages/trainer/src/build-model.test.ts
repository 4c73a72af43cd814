import { initBackend, tf, type ModelEntry, type Registered } from '@machop/core';
import { describe, expect, it } from 'vitest';
import { buildModel } from './build-model.js';

// A plugin model written with plain tfjs layers, one of them named by the plugin.
const entry: Registered<ModelEntry> = {
  name: 'plain',
  plugin: 'test-plugin',
  description: 'tfjs layers, mostly unnamed',
  task: 'classification',
  create: ({ features, classes, seed, tf: t }) =>
    t.sequential({
      layers: [
        t.layers.dense({
          inputShape: [features],
          units: 8,
          kernelInitializer: t.initializers.glorotUniform({ seed }),
        }),
        t.layers.batchNormalization(),
        t.layers.activation({ activation: 'relu' }),
        t.layers.dense({ units: 4, name: 'dense_1_custom' }),
        t.layers.dense({ units: classes, kernelInitializer: t.initializers.zeros() }),
      ],
    }),
};
const shape = { features: 5, classes: 3 };
await initBackend();

describe('buildModel', () => {
  it('names unnamed layers by kind and position, the same in every build of a process', () => {
    const first = buildModel(entry, shape, {}, 7);
    const second = buildModel(entry, shape, {}, 7);
    const names = (model: tf.LayersModel) => model.weights.map((weight) => weight.originalName);
    expect(names(first)).toEqual([
      'dense_1/kernel',
      'dense_1/bias',
      'batch_normalization_1/gamma',
      'batch_normalization_1/beta',
      'dense_1_custom/kernel',
      'dense_1_custom/bias',
      'dense_2/kernel',
      'dense_2/bias',
      // tfjs lists the weights that are not trained last.
      'batch_normalization_1/moving_mean',
      'batch_normalization_1/moving_variance',
    ]);
    expect(names(second)).toEqual(names(first));
    expect(first.layers.map((layer) => layer.name)).toContain('activation_1');
    // The weights are the ones create() drew: the seeded kernel is the same in both builds.
    const kernel = (model: tf.LayersModel) => Array.from(model.weights[0].read().dataSync());
    expect(kernel(second)).toEqual(kernel(first));
    expect(new Set(kernel(first)).size).toBeGreaterThan(1);
    // And it computes what a model built directly computes.
    const direct = entry.create({ ...shape, options: {}, seed: 7, tf });
    direct.setWeights(first.getWeights());
    const x = tf.randomNormal([4, 5], 0, 1, 'float32', 3);
    const want = (direct.predict(x) as tf.Tensor).arraySync();
    expect((first.predict(x) as tf.Tensor).arraySync()).toEqual(want);
    x.dispose();
    first.dispose();
    second.dispose();
    direct.dispose();
  });

  it('says create() returned a Promise when a plugin wrote it async', () => {
    const careless: Registered<ModelEntry> = {
      ...entry,
      name: 'async-model',
      create: (() =>
        Promise.resolve(
          entry.create({ ...shape, options: {}, seed: 0, tf }),
        )) as unknown as ModelEntry['create'],
    };
    expect(() => buildModel(careless, shape, {}, 0)).toThrow(
      'model "async-model" (plugin test-plugin): create() returned a Promise (is it async?); create() must return the tfjs LayersModel itself, built synchronously with the tf namespace it is given',
    );
  });
});
