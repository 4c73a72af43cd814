import type { FixedFormat } from '@machop/core/base';

/** How {@link quantize} rounds a value onto its grid and which range it saturates to. */
export interface QuantizeOptions {
  /** Round down (MASE's `floor = true`) instead of half to even (`torch.round`). */
  floor?: boolean;
  /** `[0, 2^width - 1]` steps instead of `[-2^(width-1), 2^(width-1) - 1]` (a ReLU's input). */
  unsigned?: boolean;
}

/**
 * Round half to even, as `torch.round` and IEEE 754's default do (JavaScript's `Math.round`
 * rounds half up: `Math.round(-2.5)` is -2, this gives -2, and `Math.round(2.5)` is 3, this 2).
 */
export function roundHalfEven(value: number): number {
  const down = Math.floor(value);
  const rest = value - down;
  if (rest > 0.5) return down + 1;
  if (rest < 0.5) return down;
  return down % 2 === 0 ? down : down + 1;
}

/** The smallest and largest integer step of `format` (`[-2^(w-1), 2^(w-1) - 1]` when signed). */
export function stepRange(format: FixedFormat, unsigned = false): [number, number] {
  return unsigned
    ? [0, 2 ** format.width - 1]
    : [-(2 ** (format.width - 1)), 2 ** (format.width - 1) - 1];
}

/**
 * The integer step `value` lands on in `format`: `clamp(round(value * 2^frac), low, high)`, with
 * the rounding and range of `options`. NaN stays NaN; infinities saturate.
 */
export function quantizeToInteger(
  value: number,
  format: FixedFormat,
  options: QuantizeOptions = {},
): number {
  const [low, high] = stepRange(format, options.unsigned);
  const scaled = value * 2 ** format.frac;
  if (Number.isNaN(scaled)) return Number.NaN;
  const rounded = options.floor ? Math.floor(scaled) : roundHalfEven(scaled);
  return Math.min(high, Math.max(low, rounded));
}

/**
 * MASE's integer quantizer, the golden model every engine and export is checked against:
 * `clamp(round(value * 2^frac), low, high) / 2^frac`, rounding half to even unless `floor`.
 * Computed in float64; as float32 inputs and grids of at most 24 significant bits are exact in
 * float64, `Math.fround` of the result is what a float32 engine must produce.
 */
export function quantize(
  value: number,
  format: FixedFormat,
  options: QuantizeOptions = {},
): number {
  return quantizeToInteger(value, format, options) / 2 ** format.frac;
}

/**
 * {@link quantize} applied to every value of `values`, into `into` (a new array by default).
 * Float32 in, float32 out: the result of an engine's fake quantization.
 */
export function quantizeArray(
  values: Float32Array,
  format: FixedFormat,
  options: QuantizeOptions = {},
  into: Float32Array = new Float32Array(values.length),
): Float32Array {
  const [low, high] = stepRange(format, options.unsigned);
  const scale = 2 ** format.frac;
  const floor = options.floor === true;
  for (let index = 0; index < values.length; index++) {
    const scaled = values[index] * scale;
    const rounded = floor ? Math.floor(scaled) : roundHalfEven(scaled);
    into[index] = Math.min(high, Math.max(low, rounded)) / scale;
  }
  return into;
}

/**
 * A fixed-point format from MASE's config values: `width` a positive integer, `frac` an integer or
 * `"NA"` (MASE: width // 2). Throws a `RangeError` naming `where` for anything else.
 */
export function fixedFormat(width: unknown, frac: unknown, where: string): FixedFormat {
  if (typeof width !== 'number' || !Number.isInteger(width) || width < 1 || width > 32)
    throw new RangeError(`${where}: width must be an integer from 1 to 32, not ${String(width)}`);
  if (frac === 'NA') return { width, frac: Math.floor(width / 2) };
  if (typeof frac !== 'number' || !Number.isInteger(frac) || Math.abs(frac) > 64)
    throw new RangeError(`${where}: frac width must be an integer or "NA", not ${String(frac)}`);
  return { width, frac };
}
