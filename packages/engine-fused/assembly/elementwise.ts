// Elementwise and per-channel kernels (ReLU, masks, batch norm) in WebAssembly SIMD. In
// JavaScript these loops cost 4-5 ns per float32 on this machine kind (a branch per element and
// a float64 round trip); here four lanes go per instruction. Arguments are byte offsets.

/** out = max(x, 0) over `count` values. */
export function reluForward(x: usize, count: i32, out: usize): void {
  const zero = f32x4.splat(0);
  const bytes = (<usize>count) << 2;
  const vectorBytes = bytes & ~15;
  let at: usize = 0;
  for (; at < vectorBytes; at += 16) v128.store(out + at, f32x4.max(v128.load(x + at), zero));
  for (; at < bytes; at += 4) store<f32>(out + at, max<f32>(load<f32>(x + at), 0));
}

/** dx = dy where the ReLU's output y > 0, else 0. */
export function reluBackward(y: usize, dy: usize, count: i32, dx: usize): void {
  const zero = f32x4.splat(0);
  const bytes = (<usize>count) << 2;
  const vectorBytes = bytes & ~15;
  let at: usize = 0;
  for (; at < vectorBytes; at += 16)
    v128.store(dx + at, v128.and(v128.load(dy + at), f32x4.gt(v128.load(y + at), zero)));
  for (; at < bytes; at += 4) store<f32>(dx + at, load<f32>(y + at) > 0 ? load<f32>(dy + at) : 0);
}

/** out = a · b elementwise (dropout: input or gradient times the mask). */
export function multiply(a: usize, b: usize, count: i32, out: usize): void {
  const bytes = (<usize>count) << 2;
  const vectorBytes = bytes & ~15;
  let at: usize = 0;
  for (; at < vectorBytes; at += 16)
    v128.store(out + at, f32x4.mul(v128.load(a + at), v128.load(b + at)));
  for (; at < bytes; at += 4) store<f32>(out + at, load<f32>(a + at) * load<f32>(b + at));
}

/** sums[c] = Σ_rows x[r, c] (first pass of the batch statistics and of the backward pass). */
function columnSums(x: usize, rows: i32, width: i32, sums: usize): void {
  const rowBytes = (<usize>width) << 2;
  const vectorBytes = rowBytes & ~15;
  memory.fill(sums, 0, rowBytes);
  for (let row = 0; row < rows; row++) {
    const base = x + <usize>row * rowBytes;
    let at: usize = 0;
    for (; at < vectorBytes; at += 16)
      v128.store(sums + at, f32x4.add(v128.load(sums + at), v128.load(base + at)));
    for (; at < rowBytes; at += 4)
      store<f32>(sums + at, load<f32>(sums + at) + load<f32>(base + at));
  }
}

/**
 * Per-channel moments of `rows` rows: `mean` gets the mean and `squares` Σ (x − mean)², the first
 * half of batch norm's training pass. Two threads each compute these over their rows and merge
 * them (Chan's parallel formula) before {@link batchNormFinish}.
 */
export function batchNormMoments(
  x: usize,
  rows: i32,
  width: i32,
  mean: usize,
  squares: usize,
): void {
  const rowBytes = (<usize>width) << 2;
  const vectorBytes = rowBytes & ~15;
  const inverseRows: f32 = 1 / <f32>rows;
  columnSums(x, rows, width, mean);
  for (let at: usize = 0; at < rowBytes; at += 4)
    store<f32>(mean + at, load<f32>(mean + at) * inverseRows);
  memory.fill(squares, 0, rowBytes);
  for (let row = 0; row < rows; row++) {
    const base = x + <usize>row * rowBytes;
    let at: usize = 0;
    for (; at < vectorBytes; at += 16) {
      const centred = f32x4.sub(v128.load(base + at), v128.load(mean + at));
      v128.store(squares + at, f32x4.add(v128.load(squares + at), f32x4.mul(centred, centred)));
    }
    for (; at < rowBytes; at += 4) {
      const centred = load<f32>(base + at) - load<f32>(mean + at);
      store<f32>(squares + at, load<f32>(squares + at) + centred * centred);
    }
  }
}

/**
 * From the moments of a batch of `rows` rows (all threads' rows), replace `squares` by
 * 1/sqrt(var + ε) (biased variance) and move the running mean and variance (unbiased,
 * n / (n − 1); unchanged for a one-row batch) by `momentum`.
 */
export function batchNormFinish(
  rows: i32,
  width: i32,
  runningMean: usize,
  runningVariance: usize,
  momentum: f32,
  epsilon: f32,
  mean: usize,
  squares: usize,
): void {
  const rowBytes = (<usize>width) << 2;
  const inverseRows: f32 = 1 / <f32>rows;
  const unbias: f32 = rows > 1 ? <f32>rows / <f32>(rows - 1) : 0;
  for (let at: usize = 0; at < rowBytes; at += 4) {
    const biased = load<f32>(squares + at) * inverseRows;
    store<f32>(squares + at, 1 / sqrt<f32>(biased + epsilon));
    const runningMeanValue = load<f32>(runningMean + at);
    store<f32>(
      runningMean + at,
      runningMeanValue + momentum * (load<f32>(mean + at) - runningMeanValue),
    );
    if (rows > 1) {
      const runningVarianceValue = load<f32>(runningVariance + at);
      store<f32>(
        runningVariance + at,
        runningVarianceValue + momentum * (biased * unbias - runningVarianceValue),
      );
    }
  }
}

/** x̂ = (x − mean) · inverseStd into `normalized`, and γx̂ + β into `out`, over `rows` rows. */
export function batchNormNormalize(
  x: usize,
  rows: i32,
  width: i32,
  gamma: usize,
  beta: usize,
  mean: usize,
  inverseStd: usize,
  normalized: usize,
  out: usize,
): void {
  const rowBytes = (<usize>width) << 2;
  const vectorBytes = rowBytes & ~15;
  for (let row = 0; row < rows; row++) {
    const offset = <usize>row * rowBytes;
    let at: usize = 0;
    for (; at < vectorBytes; at += 16) {
      const value = f32x4.mul(
        f32x4.sub(v128.load(x + offset + at), v128.load(mean + at)),
        v128.load(inverseStd + at),
      );
      v128.store(normalized + offset + at, value);
      v128.store(
        out + offset + at,
        f32x4.add(f32x4.mul(value, v128.load(gamma + at)), v128.load(beta + at)),
      );
    }
    for (; at < rowBytes; at += 4) {
      const value =
        (load<f32>(x + offset + at) - load<f32>(mean + at)) * load<f32>(inverseStd + at);
      store<f32>(normalized + offset + at, value);
      store<f32>(out + offset + at, value * load<f32>(gamma + at) + load<f32>(beta + at));
    }
  }
}

/** Batch norm in inference: out = x · scale + shift, with scale and shift per channel given. */
export function scaleShift(
  x: usize,
  rows: i32,
  width: i32,
  scale: usize,
  shift: usize,
  out: usize,
): void {
  const rowBytes = (<usize>width) << 2;
  const vectorBytes = rowBytes & ~15;
  for (let row = 0; row < rows; row++) {
    const offset = <usize>row * rowBytes;
    let at: usize = 0;
    for (; at < vectorBytes; at += 16)
      v128.store(
        out + offset + at,
        f32x4.add(
          f32x4.mul(v128.load(x + offset + at), v128.load(scale + at)),
          v128.load(shift + at),
        ),
      );
    for (; at < rowBytes; at += 4)
      store<f32>(
        out + offset + at,
        load<f32>(x + offset + at) * load<f32>(scale + at) + load<f32>(shift + at),
      );
  }
}

/** The weight gradients of batch norm over `rows` rows: dGamma = Σ dy·x̂, dBeta = Σ dy. */
export function batchNormGradientSums(
  dy: usize,
  rows: i32,
  width: i32,
  normalized: usize,
  dGamma: usize,
  dBeta: usize,
): void {
  const rowBytes = (<usize>width) << 2;
  const vectorBytes = rowBytes & ~15;
  columnSums(dy, rows, width, dBeta);
  memory.fill(dGamma, 0, rowBytes);
  for (let row = 0; row < rows; row++) {
    const offset = <usize>row * rowBytes;
    let at: usize = 0;
    for (; at < vectorBytes; at += 16)
      v128.store(
        dGamma + at,
        f32x4.add(
          v128.load(dGamma + at),
          f32x4.mul(v128.load(dy + offset + at), v128.load(normalized + offset + at)),
        ),
      );
    for (; at < rowBytes; at += 4)
      store<f32>(
        dGamma + at,
        load<f32>(dGamma + at) + load<f32>(dy + offset + at) * load<f32>(normalized + offset + at),
      );
  }
}

/**
 * dx = γ/σ · (dy − dBeta/n − x̂ · dGamma/n) over `rows` rows, where dGamma and dBeta are the sums
 * over the whole batch of `batchRows` rows (all threads' rows) and `inverseStd` is the forward
 * pass's 1/σ.
 */
export function batchNormInputGradients(
  dy: usize,
  rows: i32,
  batchRows: i32,
  width: i32,
  gamma: usize,
  inverseStd: usize,
  normalized: usize,
  dGamma: usize,
  dBeta: usize,
  dx: usize,
): void {
  const rowBytes = (<usize>width) << 2;
  const vectorBytes = rowBytes & ~15;
  const inverseRows = f32x4.splat(1 / <f32>batchRows);
  const inverse: f32 = 1 / <f32>batchRows;
  for (let row = 0; row < rows; row++) {
    const offset = <usize>row * rowBytes;
    let at: usize = 0;
    for (; at < vectorBytes; at += 16) {
      const factor = f32x4.mul(v128.load(gamma + at), v128.load(inverseStd + at));
      const centred = f32x4.sub(
        f32x4.sub(v128.load(dy + offset + at), f32x4.mul(v128.load(dBeta + at), inverseRows)),
        f32x4.mul(
          v128.load(normalized + offset + at),
          f32x4.mul(v128.load(dGamma + at), inverseRows),
        ),
      );
      v128.store(dx + offset + at, f32x4.mul(factor, centred));
    }
    for (; at < rowBytes; at += 4) {
      const factor = load<f32>(gamma + at) * load<f32>(inverseStd + at);
      store<f32>(
        dx + offset + at,
        factor *
          (load<f32>(dy + offset + at) -
            load<f32>(dBeta + at) * inverse -
            load<f32>(normalized + offset + at) * load<f32>(dGamma + at) * inverse),
      );
    }
  }
}
