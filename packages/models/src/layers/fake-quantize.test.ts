// The tfjs fake quantizer against @machop/graph's integer reference, value for value, on both
// backends Machop.ts trains on without tfjs-node: tf.round's tie rule is a kernel's choice, so
// it is checked here rather than assumed.
import { initBackend, tf, type FixedFormat } from '@machop/core';
import { quantizeArray, type QuantizeOptions } from '@machop/graph';
import { describe, it } from 'vitest';
import { fakeQuantize } from './fake-quantize.js';
import { expectSameValues, probeValues } from '../test-support/quantize.js';

const FORMATS: FixedFormat[] = [
  { width: 8, frac: 4 },
  { width: 4, frac: 2 },
  { width: 3, frac: 0 },
  { width: 2, frac: 1 },
  { width: 6, frac: -2 },
  { width: 16, frac: 8 },
  { width: 24, frac: 12 },
];
const OPTIONS: QuantizeOptions[] = [
  {},
  { floor: true },
  { unsigned: true },
  { floor: true, unsigned: true },
];

describe.each(['cpu', 'wasm'] as const)('fakeQuantize on the %s backend', (backend) => {
  it('rounds ties to even at both signs, as torch.round does', async () => {
    await initBackend({ backend });
    const ties = Float32Array.from([-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5]);
    const output = tf.tidy(() =>
      fakeQuantize(tf, tf.tensor1d(ties), { width: 8, frac: 0 }).dataSync(),
    );
    expectSameValues(output, [-4, -2, -2, 0, 0, 2, 2, 4]);
  });

  it.each(FORMATS)(
    'equals quantizeArray on float32 for width $width, frac $frac',
    async (format) => {
      await initBackend({ backend });
      const values = probeValues(format, format.width * 100 + format.frac);
      for (const options of OPTIONS) {
        const output = tf.tidy(() =>
          fakeQuantize(tf, tf.tensor1d(values), format, options).dataSync(),
        );
        expectSameValues(output, quantizeArray(values, format, options));
      }
    },
  );

  it('saturates at both ends and passes the gradient straight through, also where clamped', async () => {
    await initBackend({ backend });
    const format = { width: 4, frac: 1 }; // steps -8..7, values -4..3.5
    const values = tf.tensor1d([-100, -4.25, -1.25, 0.75, 3.5, 3.75, 100]);
    const upstream = tf.tensor1d([1, 2, 3, 4, 5, 6, 7]);
    const quantized = tf.tidy(() => fakeQuantize(tf, values, format).dataSync());
    expectSameValues(quantized, [-4, -4, -1, 1, 3.5, 3.5, 3.5]);
    const gradient = tf.tidy(() =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(fakeQuantize(tf, x, format), upstream)))(values),
    );
    expectSameValues(gradient.dataSync(), [1, 2, 3, 4, 5, 6, 7]);
    tf.dispose([values, upstream, gradient]);
  });
});
