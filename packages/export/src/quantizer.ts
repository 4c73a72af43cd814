import { ModelError, type FixedFormat } from '@machop/core/base';
import { quantizeToInteger, stepRange } from '@machop/graph/fixed';
import type { ElementType, OnnxGraphBuilder } from './onnx-graph.js';

/** The widest fixed-point format a QuantizeLinear can hold (int16, opset 21). */
export const MAX_ONNX_WIDTH = 16;

/** How one value is rounded onto its grid, as `@machop/graph`'s `quantizeArray` takes it. */
export interface QuantizerOptions {
  unsigned?: boolean;
  floor?: boolean;
}

/** Refuse a format ONNX's quantizers cannot hold, naming the node and argument. */
export function checkWidth(format: FixedFormat, node: string, argument: string): void {
  if (format.width > MAX_ONNX_WIDTH)
    throw new ModelError(
      `node ${node}: ${argument} is ${format.width} bits wide, but ONNX's QuantizeLinear holds at most ${MAX_ONNX_WIDTH} (int16); transform it to ${MAX_ONNX_WIDTH} bits or fewer`,
    );
}

/** The integer type that stores `width`-bit steps: int8/uint8 up to 8 bits, else int16/uint16. */
export function storageType(width: number, unsigned = false): ElementType {
  if (width <= 8) return unsigned ? 'uint8' : 'int8';
  return unsigned ? 'uint16' : 'int16';
}

const STORAGE_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
};

/**
 * Emit MASE's quantizer `clamp(round(x * 2^frac), low, high) / 2^frac` on `input`, returning the
 * name of its float result (the grid value). Round half to even is a QuantizeLinear +
 * DequantizeLinear pair with scale 2^-frac and zero point 0 (ONNX's QuantizeLinear rounds half to
 * even and saturates to its integer type); a format narrower than that type is first clipped to
 * its own range, which gives the same result because the bounds lie on the grid. `floor` has no
 * ONNX quantizer, so it is written out: Mul by 2^frac, Floor, Clip, Mul by 2^-frac, all exact in
 * float32 for widths up to 16.
 */
export function emitQuantizer(
  builder: OnnxGraphBuilder,
  input: string,
  format: FixedFormat,
  options: QuantizerOptions,
  base: string,
): string {
  const step = 2 ** -format.frac;
  const [low, high] = stepRange(format, options.unsigned);
  if (options.floor) {
    const scaled = builder.node('Mul', `${base}/scaled`, [
      input,
      builder.scalar(`${base}/grid`, 'float', 2 ** format.frac),
    ]);
    const floored = builder.node('Floor', `${base}/floored`, [scaled]);
    const clipped = builder.node('Clip', `${base}/steps`, [
      floored,
      builder.scalar(`${base}/low`, 'float', low),
      builder.scalar(`${base}/high`, 'float', high),
    ]);
    return builder.node('Mul', `${base}/quantized`, [
      clipped,
      builder.scalar(`${base}/step`, 'float', step),
    ]);
  }
  const type = storageType(format.width, options.unsigned);
  const [typeLow, typeHigh] = STORAGE_RANGES[type];
  let value = input;
  if (low !== typeLow || high !== typeHigh)
    value = builder.node('Clip', `${base}/clipped`, [
      input,
      builder.scalar(`${base}/low`, 'float', low * step),
      builder.scalar(`${base}/high`, 'float', high * step),
    ]);
  const scale = builder.scalar(`${base}/scale`, 'float', step);
  const zero = builder.scalar(`${base}/zero_point`, type, 0);
  const steps = builder.node('QuantizeLinear', `${base}/steps`, [value, scale, zero]);
  return builder.node('DequantizeLinear', `${base}/quantized`, [steps, scale, zero]);
}

/**
 * A dense layer's bias as the int32 a quantized Gemm adds to its accumulator. ONNX Runtime's
 * QDQ fusion (graph optimization levels extended and all) turns DequantizeLinear → Gemm into an
 * integer Gemm that adds the int32 bias to `Σ x_int * w_int` as if its scale were input scale ×
 * weight scale, whatever scale its DequantizeLinear says. So the bias is stored at that scale:
 * its MASE integer (at `format.frac`) shifted left by `inputFrac + weightFrac - format.frac`
 * bits. Undefined when that cannot be exact (a bias finer than input × weight, or beyond int32):
 * the caller then keeps the bias as float grid values.
 */
export function encodeBias(
  bias: Float32Array,
  format: FixedFormat,
  inputFrac: number,
  weightFrac: number,
  floor = false,
): { values: Int32Array; frac: number } | undefined {
  const frac = inputFrac + weightFrac;
  const shift = frac - format.frac;
  if (shift < 0) return undefined;
  const values = new Int32Array(bias.length);
  for (let index = 0; index < bias.length; index++) {
    const shifted = quantizeToInteger(bias[index], format, { floor }) * 2 ** shift;
    if (!(Math.abs(shifted) < 2 ** 31)) return undefined;
    values[index] = shifted;
  }
  return { values, frac };
}
