import { quantizeToInteger } from '../fixed.js';
import type { IntegerPlan, IntegerStage, IntegerTensor } from './types.js';

/** Options of {@link integerForward}. */
export interface IntegerForwardOptions {
  /** Called with each stage's index and its output (`rows * size` integers, row-major). */
  onStage?(index: number, stage: IntegerStage, output: Float64Array): void;
}

/**
 * The scaled features quantized to the plan's input format (half to even, saturating): the
 * integers the hardware is fed, `rows * features` of them.
 */
export function integerInputs(plan: IntegerPlan, x: Float32Array, rows: number): Float64Array {
  if (x.length !== rows * plan.input.size)
    throw new RangeError(
      `x has ${x.length} values, not rows * features = ${rows} * ${plan.input.size}`,
    );
  return Float64Array.from(x, (value) => quantizeToInteger(value, plan.inputFormat));
}

/**
 * The golden model of the hardware: {@link IntegerPlan}'s stages on `rows` rows of scaled
 * features, returning the output integers (`rows * classes`, each `value / 2^plan.output.frac`).
 * Every value is an integer held exactly in a double (the plan refuses ranges past 2^53).
 */
export function integerForward(
  plan: IntegerPlan,
  x: Float32Array,
  rows: number,
  options: IntegerForwardOptions = {},
): Float64Array {
  let values = integerInputs(plan, x, rows);
  let input: IntegerTensor = plan.input;
  plan.stages.forEach((stage, index) => {
    values = stageForward(stage, input, values, rows);
    input = stage.output;
    options.onStage?.(index, stage, values);
  });
  return values;
}

/** The logits the integers stand for: `integer / 2^frac`, as float32. */
export function integerLogits(plan: IntegerPlan, integers: Float64Array): Float32Array {
  const scale = 2 ** -plan.output.frac;
  return Float32Array.from(integers, (value) => value * scale);
}

function stageForward(
  stage: IntegerStage,
  input: IntegerTensor,
  values: Float64Array,
  rows: number,
): Float64Array {
  switch (stage.kind) {
    case 'dense': {
      const { inputs, units, weights, biases } = stage;
      const out = new Float64Array(rows * units);
      for (let row = 0; row < rows; row++)
        for (let unit = 0; unit < units; unit++) {
          let sum = biases[unit];
          for (let k = 0; k < inputs; k++)
            sum += weights[unit * inputs + k] * values[row * inputs + k];
          out[row * units + unit] = sum;
        }
      return out;
    }
    case 'affine': {
      const size = input.size;
      return values.map(
        (value, index) => stage.scales[index % size] * value + stage.offsets[index % size],
      );
    }
    case 'relu':
      return values.map((value) => (value > 0 ? value : 0));
    case 'requantize': {
      // value / 2^frac is exact in a double, so the one quantizer sees the exact real value.
      const scale = 2 ** -input.frac;
      const options = { unsigned: stage.unsigned, floor: stage.floor };
      return values.map((value) => quantizeToInteger(value * scale, stage.format, options));
    }
  }
}
