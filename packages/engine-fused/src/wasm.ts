import { readFileSync } from 'node:fs';

/** The exports of `wasm/kernels.wasm` (built from `assembly/`); arguments are byte offsets. */
export interface DenseKernels {
  denseForward(
    x: number,
    rows: number,
    inputs: number,
    kernel: number,
    bias: number,
    units: number,
    out: number,
  ): void;
  denseWeightGradients(
    x: number,
    dy: number,
    rows: number,
    inputs: number,
    units: number,
    dKernel: number,
    dBias: number,
  ): void;
  denseInputGradients(
    dy: number,
    rows: number,
    inputs: number,
    units: number,
    kernel: number,
    transposed: number,
    dx: number,
  ): void;
  reluForward(x: number, count: number, out: number): void;
  reluBackward(y: number, dy: number, count: number, dx: number): void;
  multiply(a: number, b: number, count: number, out: number): void;
  batchNormMoments(x: number, rows: number, width: number, mean: number, squares: number): void;
  batchNormFinish(
    rows: number,
    width: number,
    runningMean: number,
    runningVariance: number,
    momentum: number,
    epsilon: number,
    mean: number,
    squares: number,
  ): void;
  batchNormNormalize(
    x: number,
    rows: number,
    width: number,
    gamma: number,
    beta: number,
    mean: number,
    inverseStd: number,
    normalized: number,
    out: number,
  ): void;
  batchNormGradientSums(
    dy: number,
    rows: number,
    width: number,
    normalized: number,
    dGamma: number,
    dBeta: number,
  ): void;
  batchNormInputGradients(
    dy: number,
    rows: number,
    batchRows: number,
    width: number,
    gamma: number,
    inverseStd: number,
    normalized: number,
    dGamma: number,
    dBeta: number,
    dx: number,
  ): void;
  quantize(
    x: number,
    count: number,
    scale: number,
    inverse: number,
    low: number,
    high: number,
    floor: number,
    out: number,
  ): void;
  scaleShift(
    x: number,
    rows: number,
    width: number,
    scale: number,
    shift: number,
    out: number,
  ): void;
}

let compiled: WebAssembly.Module | undefined;

/**
 * The compiled kernels. The module is built by the package's build (`npm run build:wasm`)
 * into `wasm/`, which sits beside both `src/` and `dist/`; it is compiled once per process.
 */
function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(
    readFileSync(new URL('../wasm/kernels.wasm', import.meta.url)),
  );
  return compiled;
}

/** Instantiate the dense kernels over `memory`, which the engine owns and lays out. */
export function instantiateKernels(memory: WebAssembly.Memory): DenseKernels {
  const instance = new WebAssembly.Instance(kernelModule(), { env: { memory } });
  return instance.exports as unknown as DenseKernels;
}

const PAGE_BYTES = 65536;

/**
 * A bump allocator over one WebAssembly memory: every array the engine computes on lives here,
 * so kernels take offsets and nothing is copied between JavaScript and WebAssembly. Growing the
 * memory detaches existing views: callers re-create them from their offsets (see `version`).
 */
export class Arena {
  readonly memory = new WebAssembly.Memory({ initial: 1 });
  /** Offset 0 means "none" to the kernels, so allocation starts above it. */
  private used = 64;
  /** Increases whenever the memory grows (and every view must be re-created). */
  version = 0;

  /** Reserve `count` float32 values (16-byte aligned, zeroed); returns their byte offset. */
  allocate(count: number): number {
    const offset = this.used;
    this.used += Math.ceil((count * 4) / 16) * 16;
    const needed = Math.ceil(this.used / PAGE_BYTES) - this.memory.buffer.byteLength / PAGE_BYTES;
    if (needed > 0) {
      this.memory.grow(needed);
      this.version += 1;
    }
    return offset;
  }

  /** A view of `count` float32 values at byte `offset`. */
  view(offset: number, count: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, count);
  }
}
