import type { FixedFormat } from '@machop/core/base';

/**
 * A vector of integers between two integer stages: `size` channels, each `value / 2^frac` in
 * real terms, every value within `[low, high]`, so `width` signed (two's complement) bits hold it.
 */
export interface IntegerTensor {
  size: number;
  frac: number;
  low: number;
  high: number;
  /** Signed bits that hold `[low, high]`: the hardware's wire width. */
  width: number;
}

/** What every {@link IntegerStage} has: the graph node it computes and its output. */
interface StageBase {
  /** The graph node (`seq_blocks_2`) this stage is part of. */
  node: string;
  output: IntegerTensor;
}

/**
 * `out[u] = biases[u] + sum_k weights[u * inputs + k] * in[k]`, exactly: weights and biases are
 * already aligned to the output's frac (input frac + weight frac, or the bias frac if larger).
 */
export interface DenseStage extends StageBase {
  kind: 'dense';
  inputs: number;
  units: number;
  /** Unit-major: `weights[unit * inputs + input]`. */
  weights: number[];
  biases: number[];
  /** Signed bits that hold every weight. */
  weightWidth: number;
}

/**
 * Batch norm in fixed point: `out[c] = scales[c] * in[c] + offsets[c]`, exactly, at frac
 * `input frac + scaleFormat.frac`; the scales are `gamma / sqrt(variance + epsilon)` rounded to
 * `scaleFormat`, the offsets `beta - mean * scale` rounded to the output's frac.
 */
export interface AffineStage extends StageBase {
  kind: 'affine';
  scales: number[];
  offsets: number[];
  scaleFormat: FixedFormat;
}

/** `max(0, in)`, per channel. */
export interface ReluStage extends StageBase {
  kind: 'relu';
}

/**
 * MASE's quantizer on an exact value: round `in / 2^inFrac` onto `format`'s grid (half to even,
 * or down with `floor`), saturating to its signed (or `unsigned`) range.
 */
export interface RequantizeStage extends StageBase {
  kind: 'requantize';
  format: FixedFormat;
  unsigned: boolean;
  floor: boolean;
}

/** One step of the integer arithmetic. */
export type IntegerStage = DenseStage | AffineStage | ReluStage | RequantizeStage;

/**
 * A transformed graph as all-integer arithmetic: the input's fixed-point format and the stages
 * that follow, in order. `integerForward` computes it; `@machop/hardware` emits it as Verilog.
 */
export interface IntegerPlan {
  /** The format the scaled features are quantized to (half to even, saturating, signed). */
  inputFormat: FixedFormat;
  input: IntegerTensor;
  stages: IntegerStage[];
  /** The last stage's output (the input's when there are no stages): the logits' integers. */
  output: IntegerTensor;
}

/** Options of `integerPlan`. */
export interface IntegerPlanOptions {
  /**
   * Bits of a batch norm's scale (default 16): the scale's frac is the largest that keeps every
   * channel's scale within that many signed bits.
   */
  batchNormScaleWidth?: number;
  /** The input's format; default the `data_in` format of the first layer that has one. */
  inputFormat?: FixedFormat;
}
