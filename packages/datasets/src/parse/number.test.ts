import { createRandom } from '@machop/core';
import { describe, expect, it } from 'vitest';
import { isNonFiniteWord, parseFloat32, scanFloat32, scanned } from './number.js';

const encoder = new TextEncoder();
const parse = (text: string) => {
  const bytes = encoder.encode(text);
  return parseFloat32(bytes, 0, bytes.length);
};
const reference = (text: string) => Math.fround(Number.parseFloat(text));

describe('parseFloat32', () => {
  it('equals Math.fround(parseFloat) for float32 values printed as doubles, as in the JSC file', () => {
    const random = createRandom(11);
    for (let index = 0; index < 20000; index++) {
      const text = String(Math.fround((random() - 0.5) * 10 ** Math.floor(random() * 12 - 6)));
      expect(Object.is(parse(text), reference(text)), text).toBe(true);
    }
  });

  it('equals Math.fround(parseFloat) for long decimals, exponents and signs', () => {
    const random = createRandom(12);
    const texts = [
      '0',
      '-0',
      '+1',
      '1.',
      '.5',
      '007.250',
      '1e3',
      '1E-3',
      '-2.5e+2',
      '123456789012345678901234567890',
      '0.000000000000000000000000000001234',
      '3.4028235e38',
      '1e-45',
      '1.17549435e-38',
    ];
    for (let index = 0; index < 5000; index++) {
      texts.push(((random() - 0.5) * 1e4).toFixed(Math.floor(random() * 25)));
      texts.push(`${(random() * 10).toFixed(12)}e${Math.floor(random() * 60 - 30)}`);
    }
    for (const text of texts) expect(Object.is(parse(text), reference(text)), text).toBe(true);
  });

  it('rounds decimals lying on float32 rounding boundaries exactly like parseFloat', () => {
    const random = createRandom(13);
    const pair = new Float32Array(1);
    const bits = new Uint32Array(pair.buffer);
    for (let index = 0; index < 5000; index++) {
      pair[0] = (random() - 0.5) * 100;
      const low = pair[0];
      bits[0] += 1;
      const midpoint = (low + pair[0]) / 2;
      for (const text of [String(midpoint), midpoint.toPrecision(17), midpoint.toPrecision(9)]) {
        expect(Object.is(parse(text), reference(text)), text).toBe(true);
      }
    }
  });

  it('returns NaN for text that is not a plain decimal number', () => {
    for (const text of [
      '',
      '-',
      '.',
      'e5',
      '1e',
      '1e+',
      '1.2.3',
      '1,5',
      'abc',
      '12abc',
      '0x10',
      'NaN',
      'Infinity',
      '1 2',
    ]) {
      expect(parse(text), text).toBeNaN();
    }
  });

  it('gives Infinity for values beyond the float32 range, so callers can reject them', () => {
    expect(parse('1e39')).toBe(Infinity);
    expect(parse('-4e38')).toBe(-Infinity);
  });
});

describe('scanFloat32', () => {
  it('stops at the first byte that cannot continue the number', () => {
    const bytes = encoder.encode('-1.25e2,x');
    expect(scanFloat32(bytes, 0, bytes.length)).toBe(-125);
    expect(scanned.end).toBe(7);
  });
});

describe('isNonFiniteWord', () => {
  it('recognises NaN and infinities in any case', () => {
    for (const text of ['NaN', 'nan', '-inf', '+Infinity', 'INF'])
      expect(isNonFiniteWord(encoder.encode(text), 0, text.length), text).toBe(true);
    for (const text of ['1', 'nano', 'information'])
      expect(isNonFiniteWord(encoder.encode(text), 0, text.length), text).toBe(false);
  });
});
