import { quantize, quantizeArray, quantizeToInteger } from '@machop/graph/fixed';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from './onnx-graph.js';
import { LEVELS, modelBytes, runOnnx } from './test-support/ort-session.js';
import { emitQuantizer, encodeBias } from './quantizer.js';

// ONNX Runtime's QDQ fusion reads a quantized Gemm's int32 bias at input scale x weight scale,
// whatever scale its DequantizeLinear says. A bias stored at its own MASE scale (the naive
// export) is then misread at the optimized levels; ours is stored at input frac + weight frac.
const FORMAT = { width: 8, frac: 4 };
const INPUTS = 6;
const UNITS = 3;
const ROWS = 4;
const kernel = Float32Array.from(
  { length: INPUTS * UNITS },
  (_, index) => ((index * 7) % 11) / 8 - 0.6,
);
const bias = Float32Array.from([0.3, -1.2, 0.71]);
const x = Float32Array.from({ length: ROWS * INPUTS }, (_, index) => ((index * 5) % 13) / 4 - 1.4);

/** MASE's quantized linear in double, rounded once to float32: the reference. */
function reference(): number[] {
  const xq = quantizeArray(x, FORMAT);
  const out: number[] = [];
  for (let row = 0; row < ROWS; row++)
    for (let unit = 0; unit < UNITS; unit++) {
      let sum = quantize(bias[unit], FORMAT);
      for (let k = 0; k < INPUTS; k++)
        sum += xq[row * INPUTS + k] * quantize(kernel[k * UNITS + unit], FORMAT);
      out.push(Math.fround(sum));
    }
  return out;
}

/** A quantized Gemm with its int32 bias stored at `biasFrac` fractional bits. */
function gemm(biasSteps: Int32Array, biasFrac: number): Uint8Array {
  const builder = new OnnxGraphBuilder();
  builder.fresh('x');
  const input = emitQuantizer(builder, 'x', FORMAT, {}, 'x_q');
  const steps = Array.from(kernel, (value) => quantizeToInteger(value, FORMAT));
  const weight = builder.node('DequantizeLinear', 'w', [
    builder.constant('w_steps', 'int8', [INPUTS, UNITS], steps),
    builder.scalar('w_scale', 'float', 2 ** -FORMAT.frac),
    builder.scalar('w_zero', 'int8', 0),
  ]);
  const b = builder.node('DequantizeLinear', 'b', [
    builder.constant('b_steps', 'int32', [UNITS], biasSteps),
    builder.scalar('b_scale', 'float', 2 ** -biasFrac),
  ]);
  const out = builder.node('Gemm', 'gemm', [input, weight, b]);
  return modelBytes(builder, out, { in: INPUTS, out: UNITS });
}

describe('a quantized Gemm in ONNX Runtime', () => {
  it('equals the reference at every level with the bias at input frac + weight frac', async () => {
    const encoded = encodeBias(bias, FORMAT, FORMAT.frac, FORMAT.frac)!;
    const bytes = gemm(encoded.values, encoded.frac);
    for (const level of LEVELS)
      expect(Array.from(await runOnnx(bytes, x, ROWS, level)), level).toEqual(reference());
  });

  it('misreads a bias stored at its own scale (the naive export) once optimized', async () => {
    const naive = Int32Array.from(bias, (value) => quantizeToInteger(value, FORMAT));
    const bytes = gemm(naive, FORMAT.frac);
    // Unoptimized, DequantizeLinear honours any scale...
    expect(Array.from(await runOnnx(bytes, x, ROWS, 'disabled'))).toEqual(reference());
    // ...but the fused integer Gemm adds the steps as if they were at 2^-8: a test comparing
    // every level with the reference catches this export.
    expect(Array.from(await runOnnx(bytes, x, ROWS, 'all'))).not.toEqual(reference());
  });
});
