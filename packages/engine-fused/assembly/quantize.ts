// Fake quantization in WebAssembly SIMD: the same numbers as @machop/graph's quantizeArray
// (MASE's integer quantizer), four lanes per instruction. The engine calls it only where that is
// exact (see src/layers/quantize.ts): a frac of 0 to 100 bits makes `x * 2^frac` exact in
// float32 as in float64, and a width of at most 24 bits keeps every step exact in float32.

/**
 * out = clamp(round(x * scale), low, high) * inverse over `count` values, rounding half to even
 * (`nearest`) or down (`down` = 1). A value that rounds to zero gives +0, as quantizeArray's
 * arithmetic does; a zero keeps its sign.
 */
export function quantize(
  x: usize,
  count: i32,
  scale: f32,
  inverse: f32,
  low: f32,
  high: f32,
  down: i32,
  out: usize,
): void {
  const scales = f32x4.splat(scale);
  const inverses = f32x4.splat(inverse);
  const lows = f32x4.splat(low);
  const highs = f32x4.splat(high);
  const zero = f32x4.splat(0);
  const bytes = (<usize>count) << 2;
  const vectorBytes = bytes & ~15;
  let at: usize = 0;
  for (; at < vectorBytes; at += 16) {
    const scaled = f32x4.mul(v128.load(x + at), scales);
    const rounded = down ? f32x4.floor(scaled) : f32x4.nearest(scaled);
    const signed = v128.bitselect(scaled, f32x4.add(rounded, zero), f32x4.eq(scaled, zero));
    v128.store(out + at, f32x4.mul(f32x4.min(f32x4.max(signed, lows), highs), inverses));
  }
  for (; at < bytes; at += 4) {
    const scaled = load<f32>(x + at) * scale;
    const rounded: f32 = down ? floor<f32>(scaled) : nearest<f32>(scaled);
    const signed: f32 = scaled == 0 ? scaled : rounded + 0;
    store<f32>(out + at, min<f32>(max<f32>(signed, low), high) * inverse);
  }
}
