import { describe, expect, it } from 'vitest';
import { fixedFormat, quantize, quantizeArray, quantizeToInteger, roundHalfEven } from './index.js';

const q84 = { width: 8, frac: 4 };

describe('roundHalfEven', () => {
  it('rounds ties to the even neighbour at both signs, as torch.round does', () => {
    // (+ 0 makes -0 and 0 one value: the sign of a zero step is not part of the arithmetic.)
    const rounded = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, -2.5001].map(
      (v) => roundHalfEven(v) + 0,
    );
    expect(rounded).toEqual([0, 2, 2, 0, -2, -2, 2, -3]);
  });
});

describe('quantize (MASE integer quantizer, 8 bits with 4 fractional)', () => {
  it('puts values on the 1/16 grid, ties to even', () => {
    // 0.03125 is half a step: ties go to step 0; 0.09375 (1.5 steps) to step 2.
    expect(quantize(0.03125, q84)).toBe(0);
    expect(quantize(0.09375, q84)).toBe(0.125);
    expect(quantize(-0.09375, q84)).toBe(-0.125);
    expect(quantize(0.1, q84)).toBe(0.125);
  });
  it('saturates at both ends of [-128, 127] steps', () => {
    expect(quantizeToInteger(100, q84)).toBe(127);
    expect(quantize(100, q84)).toBe(127 / 16);
    expect(quantizeToInteger(-100, q84)).toBe(-128);
    expect(quantize(-Infinity, q84)).toBe(-8);
  });
  it('floors when asked', () => {
    expect(quantize(0.1, q84, { floor: true })).toBe(0.0625);
    expect(quantize(-0.1, q84, { floor: true })).toBe(-0.125);
  });
  it('is unsigned for a ReLU input: [0, 255] steps', () => {
    expect(quantizeToInteger(-1, q84, { unsigned: true })).toBe(0);
    expect(quantizeToInteger(100, q84, { unsigned: true })).toBe(255);
  });
  it('keeps NaN', () => {
    expect(quantize(Number.NaN, q84)).toBeNaN();
  });
  it('gives the same float32 values array-wise as value by value', () => {
    const values = Float32Array.from([0.03125, 0.09375, -0.09375, 7.99, -9, 0.3, -0.3]);
    const out = quantizeArray(values, q84);
    expect(Array.from(out)).toEqual(Array.from(values, (v) => Math.fround(quantize(v, q84))));
  });
});

describe('fixedFormat', () => {
  it('reads "NA" frac as width // 2', () => {
    expect(fixedFormat(8, 'NA', 'x')).toEqual({ width: 8, frac: 4 });
    expect(fixedFormat(7, 'NA', 'x')).toEqual({ width: 7, frac: 3 });
  });
  it('names where a bad width came from', () => {
    expect(() => fixedFormat(0, 4, 'linear.weight')).toThrow(/linear\.weight: width/);
    expect(() => fixedFormat(8, 'x', 'linear.weight')).toThrow(/frac width/);
  });
});
