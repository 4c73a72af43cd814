import { describe, expect, it } from 'vitest';
import { readQuantFixture } from './fixture.js';
import { fixedFormat, quantize, quantizeArray } from './index.js';

const fixture = readQuantFixture();

describe("MASE's integer quantizer in PyTorch (fixtures/quant-fixture.json)", () => {
  it.each(fixture.quantizer.map((entry) => [describeFormat(entry), entry] as const))(
    'matches quantize exactly for %s',
    (_label, entry) => {
      const format = fixedFormat(entry.width, entry.frac, 'fixture');
      const options = { floor: entry.floor, unsigned: entry.unsigned };
      // + 0 folds torch's -0 into 0: the sign of a zero step is not part of the arithmetic.
      const scalar = entry.values.map((value) => Math.fround(quantize(value, format, options)) + 0);
      const array = Array.from(quantizeArray(Float32Array.from(entry.values), format, options));
      const expected = entry.expected.map((value) => value + 0);
      expect(scalar).toEqual(expected);
      expect(array.map((value) => value + 0)).toEqual(expected);
    },
  );

  it('covers ties at both signs, saturation at both ends, "NA", floor and unsigned', () => {
    const values = fixture.quantizer[0].values;
    expect(values).toEqual(expect.arrayContaining([0.09375, -0.09375, 100, -100]));
    const kinds = fixture.quantizer.map(describeFormat).join(' ');
    expect(kinds).toMatch(/NA/);
    expect(kinds).toMatch(/floor/);
    expect(kinds).toMatch(/unsigned/);
  });
});

function describeFormat(entry: (typeof fixture.quantizer)[number]): string {
  const flags = [entry.floor ? 'floor' : '', entry.unsigned ? 'unsigned' : ''].filter(Boolean);
  return `${entry.width}/${entry.frac}${flags.length > 0 ? ` ${flags.join(' ')}` : ''}`;
}
