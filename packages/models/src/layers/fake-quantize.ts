import { ModelError, type FixedFormat, type QuantSpec, type Tf } from '@machop/core/base';
import { stepRange, type QuantizeOptions } from '@machop/graph/fixed';
import type { Tensor } from '@machop/core/tf';

/**
 * MASE's integer quantizer as a tfjs op, for fake quantization in training:
 * `clamp(round(x * 2^frac), low, high) / 2^frac`, rounding half to even (`tf.round`, which the
 * cpu and wasm kernels both implement as banker's rounding) or down with `floor`, saturating to
 * the signed or (for a ReLU's input) unsigned range of `format`. Scaling by a power of two is
 * exact in float32, so the result equals `quantizeArray` of `@machop/graph` value for value (a
 * zero may come out as -0 where the reference gives +0, as `torch.round` does too). NaN stays
 * NaN on every backend.
 *
 * The gradient passes straight through (the STE), also where the value was clamped, as MASE's
 * quantizer does in training.
 */
export function fakeQuantize(
  tf: Tf,
  x: Tensor,
  format: FixedFormat,
  options: QuantizeOptions = {},
): Tensor {
  const [low, high] = stepRange(format, options.unsigned);
  const scale = 2 ** format.frac;
  const round = options.floor === true ? tf.floor : tf.round;
  const straightThrough = tf.customGrad((input) => {
    // minimum and maximum, not clipByValue: wasm's clip turns NaN into `low`, which would hide a
    // diverged weight from the trainer's divergence check.
    const steps = tf.maximum(tf.minimum(round(tf.mul(input as Tensor, scale)), high), low);
    return { value: tf.mul(steps, 1 / scale), gradFunc: (dy) => dy };
  });
  return straightThrough(x);
}

function checkFormat(format: FixedFormat | undefined, where: string): void {
  if (format === undefined) return;
  const { width, frac } = format as Partial<FixedFormat>;
  if (typeof width !== 'number' || !Number.isInteger(width) || width < 1 || width > 32)
    throw new ModelError(
      `${where} width must be a whole number from 1 to 32, such as 8; got ${String(width)}`,
    );
  if (typeof frac !== 'number' || !Number.isInteger(frac) || Math.abs(frac) > 64)
    throw new ModelError(
      `${where} frac must be a whole number from -64 to 64, such as 4; got ${String(frac)}`,
    );
}

/**
 * Check a layer's {@link QuantSpec} before any tensor is built, so a bad width fails with the
 * layer's name rather than deep inside tfjs. `where` names the layer, as `dense layer 2`.
 */
export function checkQuantSpec(quant: QuantSpec, where: string): void {
  if (typeof quant !== 'object' || quant === null)
    throw new ModelError(
      `${where} quant must be an object such as { weight: { width: 8, frac: 4 } }; got ${String(quant)}`,
    );
  checkFormat(quant.dataIn, `${where} quant.dataIn`);
  checkFormat(quant.weight, `${where} quant.weight`);
  checkFormat(quant.bias, `${where} quant.bias`);
  checkFormat(quant.dataOut, `${where} quant.dataOut`);
  if (
    quant.arithmetic !== undefined &&
    quant.arithmetic !== 'integer' &&
    quant.arithmetic !== 'fixed'
  )
    throw new ModelError(
      `${where} quant.arithmetic must be "integer" or "fixed"; got ${JSON.stringify(quant.arithmetic)}`,
    );
}
