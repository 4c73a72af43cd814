/**
 * The arithmetic of each layer over row-major Float32Arrays, forward and backward. Each kernel
 * is one monomorphic loop nest that allocates nothing, so V8 compiles it to tight machine code;
 * sums run in doubles and are stored as float32.
 */
import type { ActivationName } from './plan.js';
import { createUniform } from './uniform.js';

/** `out[rows, units] = x[rows, inputs] · kernel[inputs, units] + bias`. */
export function denseForward(
  x: Float32Array,
  rows: number,
  inputs: number,
  kernel: Float32Array,
  bias: Float32Array | undefined,
  units: number,
  out: Float32Array,
): void {
  for (let row = 0; row < rows; row++) {
    const base = row * units;
    if (bias) for (let unit = 0; unit < units; unit++) out[base + unit] = bias[unit];
    else out.fill(0, base, base + units);
    const inBase = row * inputs;
    for (let input = 0; input < inputs; input++) {
      const value = x[inBase + input];
      // After a ReLU about half the inputs are zero: skipping them halves the work.
      if (value === 0) continue;
      const kernelBase = input * units;
      for (let unit = 0; unit < units; unit++)
        out[base + unit] += value * kernel[kernelBase + unit];
    }
  }
}

/**
 * Gradients of a dense layer: `dKernel = xᵀ · dy`, `dBias = Σ dy`, and, unless `dx` is
 * undefined (the first layer), `dx = dy · kernelᵀ`. Gradients are overwritten, not added to.
 */
export function denseBackward(
  x: Float32Array,
  dy: Float32Array,
  rows: number,
  inputs: number,
  units: number,
  kernel: Float32Array,
  dKernel: Float32Array,
  dBias: Float32Array | undefined,
  dx: Float32Array | undefined,
): void {
  dKernel.fill(0, 0, inputs * units);
  if (dBias) dBias.fill(0, 0, units);
  for (let row = 0; row < rows; row++) {
    const base = row * units;
    const inBase = row * inputs;
    if (dBias) for (let unit = 0; unit < units; unit++) dBias[unit] += dy[base + unit];
    for (let input = 0; input < inputs; input++) {
      const value = x[inBase + input];
      const kernelBase = input * units;
      if (value !== 0)
        for (let unit = 0; unit < units; unit++)
          dKernel[kernelBase + unit] += value * dy[base + unit];
      if (dx) {
        let sum = 0;
        for (let unit = 0; unit < units; unit++) sum += dy[base + unit] * kernel[kernelBase + unit];
        dx[inBase + input] = sum;
      }
    }
  }
}

/** Scratch a batch-norm layer keeps from its training forward pass for the backward pass. */
export interface BatchNormScratch {
  /** Normalised inputs, `rows * width`. */
  normalized: Float32Array;
  /** `1 / sqrt(batch variance + epsilon)` per channel. */
  inverseStd: Float64Array;
  /** Per-channel sums, reused by forward (mean) and backward (Σdy, Σdy·x̂). */
  sums: Float64Array;
  squares: Float64Array;
}

/**
 * Batch norm in training, as PyTorch's BatchNorm1d: normalise with the batch mean and biased
 * batch variance; update the running mean and the running variance (with the unbiased batch
 * variance, `var · n / (n − 1)`) by `momentum`. A one-row batch has no unbiased variance
 * (PyTorch refuses it): the running variance is then left as it is.
 */
export function batchNormTrain(
  x: Float32Array,
  rows: number,
  width: number,
  gamma: Float32Array,
  beta: Float32Array,
  runningMean: Float32Array,
  runningVariance: Float32Array,
  momentum: number,
  epsilon: number,
  scratch: BatchNormScratch,
  out: Float32Array,
): void {
  const { sums: mean, squares: variance, inverseStd, normalized } = scratch;
  mean.fill(0, 0, width);
  variance.fill(0, 0, width);
  for (let row = 0; row < rows; row++) {
    const base = row * width;
    for (let channel = 0; channel < width; channel++) mean[channel] += x[base + channel];
  }
  for (let channel = 0; channel < width; channel++) mean[channel] /= rows;
  for (let row = 0; row < rows; row++) {
    const base = row * width;
    for (let channel = 0; channel < width; channel++) {
      const centred = x[base + channel] - mean[channel];
      variance[channel] += centred * centred;
    }
  }
  for (let channel = 0; channel < width; channel++) {
    const biased = variance[channel] / rows;
    inverseStd[channel] = 1 / Math.sqrt(biased + epsilon);
    runningMean[channel] += momentum * (mean[channel] - runningMean[channel]);
    if (rows > 1)
      runningVariance[channel] +=
        momentum * ((biased * rows) / (rows - 1) - runningVariance[channel]);
  }
  for (let row = 0; row < rows; row++) {
    const base = row * width;
    for (let channel = 0; channel < width; channel++) {
      const value = (x[base + channel] - mean[channel]) * inverseStd[channel];
      normalized[base + channel] = value;
      out[base + channel] = gamma[channel] * value + beta[channel];
    }
  }
}

/** Batch norm in inference: normalise with the running statistics. */
export function batchNormInfer(
  x: Float32Array,
  rows: number,
  width: number,
  gamma: Float32Array,
  beta: Float32Array,
  runningMean: Float32Array,
  runningVariance: Float32Array,
  epsilon: number,
  scratch: BatchNormScratch,
  out: Float32Array,
): void {
  const { sums: scale, squares: shift } = scratch;
  for (let channel = 0; channel < width; channel++) {
    const factor = gamma[channel] / Math.sqrt(runningVariance[channel] + epsilon);
    scale[channel] = factor;
    shift[channel] = beta[channel] - runningMean[channel] * factor;
  }
  for (let row = 0; row < rows; row++) {
    const base = row * width;
    for (let channel = 0; channel < width; channel++)
      out[base + channel] = x[base + channel] * scale[channel] + shift[channel];
  }
}

/**
 * Gradients of batch norm in training: `dGamma = Σ dy·x̂`, `dBeta = Σ dy`, and, unless `dx` is
 * undefined, `dx = γ/σ · (dy − dBeta/n − x̂ · dGamma/n)`.
 */
export function batchNormBackward(
  dy: Float32Array,
  rows: number,
  width: number,
  gamma: Float32Array,
  scratch: BatchNormScratch,
  dGamma: Float32Array,
  dBeta: Float32Array,
  dx: Float32Array | undefined,
): void {
  const { sums: sumDy, squares: sumDyNormalized, inverseStd, normalized } = scratch;
  sumDy.fill(0, 0, width);
  sumDyNormalized.fill(0, 0, width);
  for (let row = 0; row < rows; row++) {
    const base = row * width;
    for (let channel = 0; channel < width; channel++) {
      const gradient = dy[base + channel];
      sumDy[channel] += gradient;
      sumDyNormalized[channel] += gradient * normalized[base + channel];
    }
  }
  for (let channel = 0; channel < width; channel++) {
    dGamma[channel] = sumDyNormalized[channel];
    dBeta[channel] = sumDy[channel];
  }
  if (!dx) return;
  for (let channel = 0; channel < width; channel++) {
    sumDy[channel] /= rows;
    sumDyNormalized[channel] /= rows;
    inverseStd[channel] *= gamma[channel];
  }
  for (let row = 0; row < rows; row++) {
    const base = row * width;
    for (let channel = 0; channel < width; channel++) {
      dx[base + channel] =
        inverseStd[channel] *
        (dy[base + channel] -
          sumDy[channel] -
          normalized[base + channel] * sumDyNormalized[channel]);
    }
  }
}

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
 * Inverted dropout with the mask tfjs' seeded dropout draws: `u >= rate` for successive uniform
 * draws `u` of generator `seed` (compared in float32, as tfjs compares), kept values scaled by
 * `1 / (1 − rate)` in float32. The mask (0 or the scale) is kept for the backward pass.
 */
export function dropoutForward(
  x: Float32Array,
  count: number,
  rate: number,
  seed: number,
  mask: Float32Array,
  out: Float32Array,
): void {
  const next = createUniform(seed);
  const threshold = Math.fround(rate);
  const scale = Math.fround(1 / Math.fround(1 - rate));
  for (let index = 0; index < count; index++) {
    const keep = Math.fround(next()) >= threshold ? scale : 0;
    mask[index] = keep;
    out[index] = x[index] * keep;
  }
}

/** `dx = dy · mask`. */
export function dropoutBackward(
  dy: Float32Array,
  mask: Float32Array,
  count: number,
  dx: Float32Array,
): void {
  for (let index = 0; index < count; index++) dx[index] = dy[index] * mask[index];
}

/**
 * Softmax cross-entropy of `rows` logit rows against integer labels: writes the gradient of the
 * batch MEAN loss into `dLogits` (`(softmax − onehot) / rows`) and returns, in `result`, the
 * summed loss and the count of rows whose first largest logit is the label (tfjs' argMax).
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: Int32Array,
  rows: number,
  classes: number,
  dLogits: Float32Array | undefined,
  result: Float64Array,
): void {
  let lossSum = 0;
  let correct = 0;
  const inverseRows = 1 / rows;
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
