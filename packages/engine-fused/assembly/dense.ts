// Dense-layer kernels in WebAssembly with 128-bit SIMD (four float32 lanes), compiled by
// AssemblyScript (`npm run build:wasm`). Profiling the JavaScript engine put 90% of a jsc-s step
// in these loops. Arguments are byte offsets into the memory the engine owns and imports; all
// matrices are row-major float32. Blocks of 2 rows x 16 units keep eight accumulators in
// registers, so each load feeds two multiply-adds (units past the last whole 16 take 4 rows at a
// time, for four independent chains of adds); no branch skips zeros (after a ReLU they are
// half the values, at random, and the mispredictions cost more than the work saved).

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
  const inputBytes = (<usize>inputs) << 2;
  // Units in whole blocks of 16 go two rows at a time; the rest (all 5 units of jsc-tiny's output)
  // four rows at a time, so that four independent sums share each weight load (with two, such
  // small layers waited on the latency of one chain of adds). Every output is summed in the same
  // order (bias, then input 0, 1, ...), however rows are blocked: two threads stay bit-identical.
  const wide = units & ~15;
  let row = 0;
  for (; row + 2 <= rows; row += 2) {
    const xRow = x + <usize>row * inputBytes;
    const outRow = out + <usize>row * rowBytes;
    for (let unit = 0; unit < wide; unit += 16) {
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
      let b0 = a0;
      let b1 = a1;
      let b2 = a2;
      let b3 = a3;
      let weights = kernel + offset;
      for (let input: usize = 0; input < inputBytes; input += 4) {
        const first = f32x4.splat(load<f32>(xRow + input));
        const second = f32x4.splat(load<f32>(xRow + inputBytes + input));
        const w0 = v128.load(weights);
        const w1 = v128.load(weights, 16);
        const w2 = v128.load(weights, 32);
        const w3 = v128.load(weights, 48);
        a0 = f32x4.add(a0, f32x4.mul(first, w0));
        a1 = f32x4.add(a1, f32x4.mul(first, w1));
        a2 = f32x4.add(a2, f32x4.mul(first, w2));
        a3 = f32x4.add(a3, f32x4.mul(first, w3));
        b0 = f32x4.add(b0, f32x4.mul(second, w0));
        b1 = f32x4.add(b1, f32x4.mul(second, w1));
        b2 = f32x4.add(b2, f32x4.mul(second, w2));
        b3 = f32x4.add(b3, f32x4.mul(second, w3));
        weights += rowBytes;
      }
      const target = outRow + offset;
      v128.store(target, a0);
      v128.store(target, a1, 16);
      v128.store(target, a2, 32);
      v128.store(target, a3, 48);
      v128.store(target + rowBytes, b0);
      v128.store(target + rowBytes, b1, 16);
      v128.store(target + rowBytes, b2, 32);
      v128.store(target + rowBytes, b3, 48);
    }
  }
  // The last row's wide units.
  if (row < rows) denseRow(x, row, inputBytes, kernel, bias, rowBytes, out, 0, wide);
  row = 0;
  if (wide < units) {
    for (; row + 4 <= rows; row += 4) {
      const xRow = x + <usize>row * inputBytes;
      const outRow = out + <usize>row * rowBytes;
      let unit = wide;
      for (; unit + 4 <= units; unit += 4) {
        const offset = (<usize>unit) << 2;
        let a0 = bias ? v128.load(bias + offset) : f32x4.splat(0);
        let b0 = a0;
        let c0 = a0;
        let d0 = a0;
        let weights = kernel + offset;
        for (let input: usize = 0; input < inputBytes; input += 4) {
          const w0 = v128.load(weights);
          const at = xRow + input;
          a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(load<f32>(at)), w0));
          b0 = f32x4.add(b0, f32x4.mul(f32x4.splat(load<f32>(at + inputBytes)), w0));
          c0 = f32x4.add(c0, f32x4.mul(f32x4.splat(load<f32>(at + 2 * inputBytes)), w0));
          d0 = f32x4.add(d0, f32x4.mul(f32x4.splat(load<f32>(at + 3 * inputBytes)), w0));
          weights += rowBytes;
        }
        const target = outRow + offset;
        v128.store(target, a0);
        v128.store(target + rowBytes, b0);
        v128.store(target + 2 * rowBytes, c0);
        v128.store(target + 3 * rowBytes, d0);
      }
      for (; unit < units; unit++) {
        const offset = (<usize>unit) << 2;
        let a: f32 = bias ? load<f32>(bias + offset) : 0;
        let b = a;
        let c = a;
        let d = a;
        let weights = kernel + offset;
        for (let input: usize = 0; input < inputBytes; input += 4) {
          const w = load<f32>(weights);
          const at = xRow + input;
          a += load<f32>(at) * w;
          b += load<f32>(at + inputBytes) * w;
          c += load<f32>(at + 2 * inputBytes) * w;
          d += load<f32>(at + 3 * inputBytes) * w;
          weights += rowBytes;
        }
        const target = outRow + offset;
        store<f32>(target, a);
        store<f32>(target + rowBytes, b);
        store<f32>(target + 2 * rowBytes, c);
        store<f32>(target + 3 * rowBytes, d);
      }
    }
    // The last rows' narrow units.
    for (; row < rows; row++)
      denseRow(x, row, inputBytes, kernel, bias, rowBytes, out, wide, units);
  }
}

// Units [first, end) of one row: four at a time, then one by one.
function denseRow(
  x: usize,
  row: i32,
  inputBytes: usize,
  kernel: usize,
  bias: usize,
  rowBytes: usize,
  out: usize,
  first: i32,
  end: i32,
): void {
  const xRow = x + <usize>row * inputBytes;
  const outRow = out + <usize>row * rowBytes;
  let unit = first;
  for (; unit + 4 <= end; unit += 4) {
    const offset = (<usize>unit) << 2;
    let a0 = bias ? v128.load(bias + offset) : f32x4.splat(0);
    let weights = kernel + offset;
    for (let input: usize = 0; input < inputBytes; input += 4) {
      a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(load<f32>(xRow + input)), v128.load(weights)));
      weights += rowBytes;
    }
    v128.store(outRow + offset, a0);
  }
  for (; unit < end; unit++) {
    const offset = (<usize>unit) << 2;
    let a: f32 = bias ? load<f32>(bias + offset) : 0;
    let weights = kernel + offset;
    for (let input: usize = 0; input < inputBytes; input += 4) {
      a += load<f32>(xRow + input) * load<f32>(weights);
      weights += rowBytes;
    }
    store<f32>(outRow + offset, a);
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
  let input = 0;
  // Two kernel rows at a time share every load of dy.
  for (; input + 2 <= inputs; input += 2) {
    const kernelRow = dKernel + <usize>input * rowBytes;
    const xColumn = x + ((<usize>input) << 2);
    let unit = 0;
    for (; unit + 16 <= units; unit += 16) {
      const offset = (<usize>unit) << 2;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let b0 = f32x4.splat(0);
      let b1 = f32x4.splat(0);
      let b2 = f32x4.splat(0);
      let b3 = f32x4.splat(0);
      let gradient = dy + offset;
      let value = xColumn;
      for (let row = 0; row < rows; row++) {
        const first = f32x4.splat(load<f32>(value));
        const second = f32x4.splat(load<f32>(value, 4));
        const g0 = v128.load(gradient);
        const g1 = v128.load(gradient, 16);
        const g2 = v128.load(gradient, 32);
        const g3 = v128.load(gradient, 48);
        a0 = f32x4.add(a0, f32x4.mul(first, g0));
        a1 = f32x4.add(a1, f32x4.mul(first, g1));
        a2 = f32x4.add(a2, f32x4.mul(first, g2));
        a3 = f32x4.add(a3, f32x4.mul(first, g3));
        b0 = f32x4.add(b0, f32x4.mul(second, g0));
        b1 = f32x4.add(b1, f32x4.mul(second, g1));
        b2 = f32x4.add(b2, f32x4.mul(second, g2));
        b3 = f32x4.add(b3, f32x4.mul(second, g3));
        gradient += rowBytes;
        value += inputBytes;
      }
      const target = kernelRow + offset;
      v128.store(target, a0);
      v128.store(target, a1, 16);
      v128.store(target, a2, 32);
      v128.store(target, a3, 48);
      v128.store(target + rowBytes, b0);
      v128.store(target + rowBytes, b1, 16);
      v128.store(target + rowBytes, b2, 32);
      v128.store(target + rowBytes, b3, 48);
    }
    for (; unit + 4 <= units; unit += 4) {
      const offset = (<usize>unit) << 2;
      let a0 = f32x4.splat(0);
      let b0 = f32x4.splat(0);
      let gradient = dy + offset;
      let value = xColumn;
      for (let row = 0; row < rows; row++) {
        const g0 = v128.load(gradient);
        a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(load<f32>(value)), g0));
        b0 = f32x4.add(b0, f32x4.mul(f32x4.splat(load<f32>(value, 4)), g0));
        gradient += rowBytes;
        value += inputBytes;
      }
      v128.store(kernelRow + offset, a0);
      v128.store(kernelRow + rowBytes + offset, b0);
    }
    for (; unit < units; unit++) {
      const offset = (<usize>unit) << 2;
      let a: f32 = 0;
      let b: f32 = 0;
      let gradient = dy + offset;
      let value = xColumn;
      for (let row = 0; row < rows; row++) {
        const g = load<f32>(gradient);
        a += load<f32>(value) * g;
        b += load<f32>(value, 4) * g;
        gradient += rowBytes;
        value += inputBytes;
      }
      store<f32>(kernelRow + offset, a);
      store<f32>(kernelRow + rowBytes + offset, b);
    }
  }
  for (; input < inputs; input++) {
    const kernelRow = dKernel + <usize>input * rowBytes;
    const xColumn = x + ((<usize>input) << 2);
    let unit = 0;
    for (; unit + 4 <= units; unit += 4) {
      const offset = (<usize>unit) << 2;
      let a0 = f32x4.splat(0);
      let gradient = dy + offset;
      let value = xColumn;
      for (let row = 0; row < rows; row++) {
        a0 = f32x4.add(a0, f32x4.mul(f32x4.splat(load<f32>(value)), v128.load(gradient)));
        gradient += rowBytes;
        value += inputBytes;
      }
      v128.store(kernelRow + offset, a0);
    }
    for (; unit < units; unit++) {
      const offset = (<usize>unit) << 2;
      let a: f32 = 0;
      let gradient = dy + offset;
      let value = xColumn;
      for (let row = 0; row < rows; row++) {
        a += load<f32>(value) * load<f32>(gradient);
        gradient += rowBytes;
        value += inputBytes;
      }
      store<f32>(kernelRow + offset, a);
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

/**
 * dx[rows, inputs] = dy[rows, units] · kernelᵀ, as a forward pass through the transposed kernel
 * (written to `transposed`, inputs · units values): the blocked loop of {@link denseForward}
 * beats one horizontal sum per (row, input).
 */
export function denseInputGradients(
  dy: usize,
  rows: i32,
  inputs: i32,
  units: i32,
  kernel: usize,
  transposed: usize,
  dx: usize,
): void {
  for (let input = 0; input < inputs; input++) {
    for (let unit = 0; unit < units; unit++) {
      store<f32>(
        transposed + ((<usize>(unit * inputs + input)) << 2),
        load<f32>(kernel + ((<usize>(input * units + unit)) << 2)),
      );
    }
  }
  denseForward(dy, rows, units, transposed, 0, inputs, dx);
}
