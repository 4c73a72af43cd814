import type { FixedFormat } from '@machop/core/base';
import { quantizeArray } from '@machop/graph/fixed';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from './onnx-graph.js';
import { LEVELS, modelBytes, runOnnx } from './test-support/ort-session.js';
import { emitQuantizer, encodeBias } from './quantizer.js';

/** Values on and between the grid of `format`: ties at both signs, both ends and beyond them. */
function probeValues(format: FixedFormat): Float32Array {
  const step = 2 ** -format.frac;
  const top = 2 ** format.width * step;
  const values: number[] = [0, -0, step / 2, -step / 2, (3 * step) / 2, (-3 * step) / 2];
  for (
    let k = -(2 ** format.width) - 3;
    k <= 2 ** format.width + 3;
    k += Math.max(1, 2 ** (format.width - 6))
  )
    values.push(k * step, (k + 0.5) * step, (k + 0.25) * step, (k + 0.75) * step);
  values.push(top * 4, -top * 4, 1e30, -1e30);
  return Float32Array.from(values);
}

// Integer steps have no sign of zero: -0 and 0 are the same step (and add the same in a sum).
const plusZero = (values: Float32Array) => Array.from(values, (value) => value + 0);

describe('emitQuantizer', () => {
  const cases: [FixedFormat, boolean, boolean][] = [
    [{ width: 8, frac: 4 }, false, false],
    [{ width: 8, frac: 4 }, true, false],
    [{ width: 4, frac: 2 }, false, false],
    [{ width: 3, frac: 1 }, true, false],
    [{ width: 2, frac: 1 }, false, false],
    [{ width: 6, frac: 3 }, false, true],
    [{ width: 12, frac: 6 }, false, false],
    [{ width: 16, frac: 8 }, false, false],
    [{ width: 16, frac: 8 }, true, false],
    [{ width: 10, frac: -1 }, false, false],
  ];
  it.each(cases)(
    'reproduces quantizeArray for %o (unsigned %s, floor %s) at every ONNX Runtime level',
    async (format, unsigned, floor) => {
      const x = probeValues(format);
      const builder = new OnnxGraphBuilder();
      builder.fresh('x');
      const out = emitQuantizer(builder, 'x', format, { unsigned, floor }, 'q');
      const bytes = modelBytes(builder, out, { in: x.length, out: x.length });
      const expected = quantizeArray(x, format, { unsigned, floor });
      for (const level of LEVELS)
        expect(plusZero(await runOnnx(bytes, x, 1, level)), level).toEqual(plusZero(expected));
    },
  );
});

describe('encodeBias', () => {
  it('stores the bias at input frac + weight frac bits, where ONNX Runtime reads it', () => {
    const bias = Float32Array.from([0.3, -0.3, 7.96875, -9, 0.03125]);
    // 8/4 bias: steps 5, -5, 127 (saturated), -128 (saturated), 0 (0.5 step, to even); shifted by 4 + 4 - 4.
    expect(Array.from(encodeBias(bias, { width: 8, frac: 4 }, 4, 4)!.values)).toEqual([
      5 * 16,
      -5 * 16,
      127 * 16,
      -128 * 16,
      0,
    ]);
    expect(encodeBias(bias, { width: 8, frac: 4 }, 4, 4)!.frac).toBe(8);
    // A bias finer than input x weight cannot be an exact int32 at that scale.
    expect(encodeBias(bias, { width: 8, frac: 6 }, 2, 2)).toBeUndefined();
  });
});
