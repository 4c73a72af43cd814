// Throughput of one training step: the trainer's engine against a bare tfjs loop
// (optimizer.minimize inside tf.tidy), on a JSC-shaped batch. Run: npm run bench.
import { getRegistry, initBackend, loadPlugins, tf } from '@machop/core';
import { bench, describe } from 'vitest';
import { toyPlugin } from '../fixtures/toy-plugin.js';
import { TfjsEngine } from '../src/tfjs-engine.js';

await initBackend();
await loadPlugins([toyPlugin]);
const entry = getRegistry().models.get('toy-mlp');
const features = 16;
const classes = 5;
const options = { hidden: 32, batchNorm: true, dropout: 0 };

for (const batch of [32, 256]) {
  const x = Float32Array.from({ length: batch * features }, (_, index) => Math.sin(index));
  const y = Int32Array.from({ length: batch }, (_, index) => index % classes);
  describe(`training step, batch ${batch} (${tf.getBackend()})`, () => {
    const model = entry.create({ features, classes, options, seed: 1, tf });
    const engine = new TfjsEngine(model, { kind: 'adam', learningRate: 1e-3, weightDecay: 0 });
    bench('trainer engine (adam, with loss/accuracy sums)', () => void engine.step(x, y, batch), {
      time: 1500,
      warmupIterations: 100,
    });

    const bare = entry.create({ features, classes, options, seed: 1, tf });
    const optimizer = tf.train.adam(1e-3);
    bench(
      'bare tfjs optimizer.minimize (adam)',
      () => {
        tf.tidy(() => {
          const inputs = tf.tensor2d(x, [batch, features]);
          const targets = tf.oneHot(tf.tensor1d(y, 'int32'), classes);
          optimizer.minimize(() =>
            tf.losses.softmaxCrossEntropy(
              targets,
              bare.apply(inputs, { training: true }) as tf.Tensor,
            ),
          );
        });
      },
      { time: 1500, warmupIterations: 100 },
    );
  });
}
