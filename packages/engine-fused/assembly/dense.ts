// Dense-layer kernels in WebAssembly with 128-bit SIMD (four float32 lanes), compiled by
// AssemblyScript (`npm run build:wasm`). Profiling the JavaScript engine put 90% of a jsc-s step
// in these loops. Arguments are byte offsets into the memory the engine owns and imports; all
// matrices are row-major float32. Blocks of 16 output units keep four accumulators in registers.

/** out[rows, units] = x[rows, inputs] · kernel[inputs, units] + bias (bias 0: none). */
export function denseForward(
  x: usize,
  rows: i32,
  inputs: i32,
  kernel: usize,
  bias: usize,
  units: i32,
  out: usize,
): void {
  const rowBytes = (<usize>units) << 2;
  for (let row = 0; row < rows; row++) {
    const xRow = x + ((<usize>(row * inputs)) << 2);
    const outRow = out + <usize>row * rowBytes;
    let unit = 0;
    for (; unit + 16 <= units; unit += 16) {
      const offset = (<usize>unit) << 2;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      if (bias) {
        a0 = v128.load(bias + offset);
        a1 = v128.load(bias + offset, 16);
        a2 = v128.load(bias + offset, 32);
        a3 = v128.load(bias + offset, 48);
      }
      let weights = kernel + offset;
      for (let input = 0; input < inputs; input++) {
        const value = load<f32>(xRow + ((<usize>input) << 2));
        if (value != 0) {
          const spread = f32x4.splat(value);
          a0 = f32x4.add(a0, f32x4.mul(spread, v128.load(weights)));
          a1 = f32x4.add(a1, f32x4.mul(spread, v128.load(weights, 16)));
          a2 = f32x4.add(a2, f32x4.mul(spread, v128.load(weights, 32)));
          a3 = f32x4.add(a3, f32x4.mul(spread, v128.load(weights, 48)));
        }
        weights += rowBytes;
      }
      v128.store(outRow + offset, a0);
      v128.store(outRow + offset, a1, 16);
      v128.store(outRow + offset, a2, 32);
      v128.store(outRow + offset, a3, 48);
    }
    for (; unit + 4 <= units; unit += 4) {
      const offset = (<usize>unit) << 2;
      let a0 = bias ? v128.load(bias + offset) : f32x4.splat(0);
      let weights = kernel + offset;
      for (let input = 0; input < inputs; input++) {
        const value = load<f32>(xRow + ((<usize>input) << 2));
        if (value != 0) a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(value), v128.load(weights)));
        weights += rowBytes;
      }
      v128.store(outRow + offset, a0);
    }
    for (; unit < units; unit++) {
      const offset = (<usize>unit) << 2;
      let sum: f32 = bias ? load<f32>(bias + offset) : 0;
      let weights = kernel + offset;
      for (let input = 0; input < inputs; input++) {
        sum += load<f32>(xRow + ((<usize>input) << 2)) * load<f32>(weights);
        weights += rowBytes;
      }
      store<f32>(outRow + offset, sum);
    }
  }
}

/** dKernel[inputs, units] = xᵀ · dy and dBias = Σ_rows dy (dBias 0: none); overwritten. */
export function denseWeightGradients(
  x: usize,
  dy: usize,
  rows: i32,
  inputs: i32,
  units: i32,
  dKernel: usize,
  dBias: usize,
): void {
  const rowBytes = (<usize>units) << 2;
  const inputBytes = (<usize>inputs) << 2;
  for (let input = 0; input < inputs; input++) {
    const kernelRow = dKernel + <usize>input * rowBytes;
    const xColumn = x + ((<usize>input) << 2);
    let unit = 0;
    for (; unit + 16 <= units; unit += 16) {
      const offset = (<usize>unit) << 2;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let gradient = dy + offset;
      let value = xColumn;
      for (let row = 0; row < rows; row++) {
        const scalar = load<f32>(value);
        if (scalar != 0) {
          const spread = f32x4.splat(scalar);
          a0 = f32x4.add(a0, f32x4.mul(spread, v128.load(gradient)));
          a1 = f32x4.add(a1, f32x4.mul(spread, v128.load(gradient, 16)));
          a2 = f32x4.add(a2, f32x4.mul(spread, v128.load(gradient, 32)));
          a3 = f32x4.add(a3, f32x4.mul(spread, v128.load(gradient, 48)));
        }
        gradient += rowBytes;
        value += inputBytes;
      }
      v128.store(kernelRow + offset, a0);
      v128.store(kernelRow + offset, a1, 16);
      v128.store(kernelRow + offset, a2, 32);
      v128.store(kernelRow + offset, a3, 48);
    }
    for (; unit + 4 <= units; unit += 4) {
      const offset = (<usize>unit) << 2;
      let a0 = f32x4.splat(0);
      let gradient = dy + offset;
      let value = xColumn;
      for (let row = 0; row < rows; row++) {
        const scalar = load<f32>(value);
        if (scalar != 0) a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(scalar), v128.load(gradient)));
        gradient += rowBytes;
        value += inputBytes;
      }
      v128.store(kernelRow + offset, a0);
    }
    for (; unit < units; unit++) {
      const offset = (<usize>unit) << 2;
      let sum: f32 = 0;
      let gradient = dy + offset;
      let value = xColumn;
      for (let row = 0; row < rows; row++) {
        sum += load<f32>(value) * load<f32>(gradient);
        gradient += rowBytes;
        value += inputBytes;
      }
      store<f32>(kernelRow + offset, sum);
    }
  }
  if (!dBias) return;
  let unit = 0;
  for (; unit + 4 <= units; unit += 4) {
    const offset = (<usize>unit) << 2;
    let a0 = f32x4.splat(0);
    let gradient = dy + offset;
    for (let row = 0; row < rows; row++) {
      a0 = f32x4.add(a0, v128.load(gradient));
      gradient += rowBytes;
    }
    v128.store(dBias + offset, a0);
  }
  for (; unit < units; unit++) {
    const offset = (<usize>unit) << 2;
    let sum: f32 = 0;
    let gradient = dy + offset;
    for (let row = 0; row < rows; row++) {
      sum += load<f32>(gradient);
      gradient += rowBytes;
    }
    store<f32>(dBias + offset, sum);
  }
}

/** dx[rows, inputs] = dy[rows, units] · kernelᵀ. */
export function denseInputGradients(
  dy: usize,
  rows: i32,
  inputs: i32,
  units: i32,
  kernel: usize,
  dx: usize,
): void {
  const rowBytes = (<usize>units) << 2;
  const vectorUnits = units & ~3;
  for (let row = 0; row < rows; row++) {
    const gradientRow = dy + <usize>row * rowBytes;
    const dxRow = dx + ((<usize>(row * inputs)) << 2);
    for (let input = 0; input < inputs; input++) {
      const weights = kernel + <usize>input * rowBytes;
      let a0 = f32x4.splat(0);
      let unit = 0;
      for (; unit < vectorUnits; unit += 4) {
        const offset = (<usize>unit) << 2;
        a0 = f32x4.add(a0, f32x4.mul(v128.load(gradientRow + offset), v128.load(weights + offset)));
      }
      let sum: f32 =
        f32x4.extract_lane(a0, 0) +
        f32x4.extract_lane(a0, 1) +
        f32x4.extract_lane(a0, 2) +
        f32x4.extract_lane(a0, 3);
      for (; unit < units; unit++) {
        const offset = (<usize>unit) << 2;
        sum += load<f32>(gradientRow + offset) * load<f32>(weights + offset);
      }
      store<f32>(dxRow + ((<usize>input) << 2), sum);
    }
  }
}
