/**
 * The kernels that stay in JavaScript: the activations other than ReLU, dropout's mask (its
 * generator is tfjs' Alea, in float64) and the softmax cross-entropy on the few logits. Dense,
 * batch norm, ReLU and the mask products are in WebAssembly (assembly/). Each kernel is one
 * monomorphic loop nest that allocates nothing; sums run in doubles and are stored as float32.
 */
import type { ActivationName } from './plan.js';
import { createUniform } from './uniform.js';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** `out = f(x)` elementwise over `count` values. */
export function activationForward(
  activation: ActivationName,
  x: Float32Array,
  count: number,
  out: Float32Array,
): void {
  switch (activation) {
    case 'relu':
      for (let index = 0; index < count; index++) {
        const value = x[index];
        out[index] = value > 0 ? value : 0;
      }
      return;
    case 'tanh':
      for (let index = 0; index < count; index++) out[index] = Math.tanh(x[index]);
      return;
    case 'sigmoid':
      for (let index = 0; index < count; index++) out[index] = 1 / (1 + Math.exp(-x[index]));
      return;
    case 'elu':
      for (let index = 0; index < count; index++) {
        const value = x[index];
        out[index] = value > 0 ? value : Math.expm1(value);
      }
      return;
    case 'selu':
      for (let index = 0; index < count; index++) {
        const value = x[index];
        out[index] = SELU_SCALE * (value > 0 ? value : SELU_ALPHA * Math.expm1(value));
      }
      return;
    case 'linear':
      out.set(x.subarray(0, count));
      return;
  }
}

/** `dx = dy · f'(x)`, with `f'` written in terms of the output `y` (all these allow it). */
export function activationBackward(
  activation: ActivationName,
  y: Float32Array,
  dy: Float32Array,
  count: number,
  dx: Float32Array,
): void {
  switch (activation) {
    case 'relu':
      for (let index = 0; index < count; index++) dx[index] = y[index] > 0 ? dy[index] : 0;
      return;
    case 'tanh':
      for (let index = 0; index < count; index++) {
        const value = y[index];
        dx[index] = dy[index] * (1 - value * value);
      }
      return;
    case 'sigmoid':
      for (let index = 0; index < count; index++) {
        const value = y[index];
        dx[index] = dy[index] * value * (1 - value);
      }
      return;
    case 'elu':
      for (let index = 0; index < count; index++) {
        const value = y[index];
        dx[index] = value > 0 ? dy[index] : dy[index] * (value + 1);
      }
      return;
    case 'selu':
      for (let index = 0; index < count; index++) {
        const value = y[index];
        dx[index] =
          value > 0 ? dy[index] * SELU_SCALE : dy[index] * (value + SELU_SCALE * SELU_ALPHA);
      }
      return;
    case 'linear':
      dx.set(dy.subarray(0, count));
      return;
  }
}

/**
 * The mask of inverted dropout as tfjs' seeded dropout draws it: `u >= rate` for successive
 * uniform draws `u` of generator `seed` (compared in float32, as tfjs compares), kept values
 * scaled by `1 / (1 − rate)` in float32. The first `skip` draws are passed over (a second thread
 * holding the later rows of a batch draws its part of the batch's mask); then each target's
 * `count` values are written in turn, as 0 or the scale, from one stream.
 */
export function dropoutMasks(
  rate: number,
  seed: number,
  skip: number,
  targets: readonly { mask: Float32Array; count: number }[],
): void {
  const next = createUniform(seed);
  for (let index = 0; index < skip; index++) next();
  const threshold = Math.fround(rate);
  const scale = Math.fround(1 / Math.fround(1 - rate));
  for (const { mask, count } of targets)
    for (let index = 0; index < count; index++)
      mask[index] = Math.fround(next()) >= threshold ? scale : 0;
}

/** {@link dropoutMasks} into one mask of `count` values. */
export function dropoutMask(
  count: number,
  rate: number,
  seed: number,
  mask: Float32Array,
  skip = 0,
): void {
  dropoutMasks(rate, seed, skip, [{ mask, count }]);
}

/**
 * Softmax cross-entropy of `rows` logit rows against integer labels: writes the gradient of the
 * batch MEAN loss into `dLogits` (`(softmax − onehot) / batchRows`, where the batch may have more
 * rows than these, on another thread) and returns, in `result`, the summed loss and the count of
 * rows whose first largest logit is the label (tfjs' argMax).
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: Int32Array,
  rows: number,
  classes: number,
  dLogits: Float32Array | undefined,
  result: Float64Array,
  batchRows = rows,
): void {
  let lossSum = 0;
  let correct = 0;
  const inverseRows = 1 / batchRows;
  for (let row = 0; row < rows; row++) {
    const base = row * classes;
    let largest = logits[base];
    let best = 0;
    for (let index = 1; index < classes; index++) {
      const value = logits[base + index];
      if (value > largest) {
        largest = value;
        best = index;
      }
    }
    const label = labels[row];
    if (best === label) correct++;
    let sum = 0;
    for (let index = 0; index < classes; index++) sum += Math.exp(logits[base + index] - largest);
    lossSum += Math.log(sum) - (logits[base + label] - largest);
    if (dLogits) {
      const inverseSum = inverseRows / sum;
      for (let index = 0; index < classes; index++)
        dLogits[base + index] = Math.exp(logits[base + index] - largest) * inverseSum;
      dLogits[base + label] -= inverseRows;
    }
  }
  result[0] = lossSum;
  result[1] = correct;
}
