import { getRegistry, initBackend, loadPlugins, setStepSeed, tf } from '@machop/core';
import { expect, it } from 'vitest';
import plugin from './index.js';

// In a file of its own: it switches the process's backend.
it('builds identical weights and dropout masks from the same seed on the cpu and wasm backends', async () => {
  await loadPlugins([plugin]);
  const sample = () => {
    const model = getRegistry()
      .models.get('jsc-trt')
      .create({ features: 16, classes: 5, options: {}, seed: 21, tf });
    const weights = model.getWeights().map((weight) => Array.from(weight.dataSync()));
    setStepSeed(3);
    const mask = tf.tidy(() =>
      Array.from(
        tf
          .notEqual(
            model.getLayer('dropout_1').apply(tf.ones([4, 48]), { training: true }) as tf.Tensor,
            0,
          )
          .dataSync(),
      ),
    );
    model.dispose();
    return { weights, mask };
  };
  await initBackend({ backend: 'cpu' });
  const onCpu = sample();
  await initBackend({ backend: 'wasm' });
  expect(tf.getBackend()).toBe('wasm');
  expect(sample()).toEqual(onCpu);
});
