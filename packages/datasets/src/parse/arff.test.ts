import { isMachopError } from '@machop/core';
import { describe, expect, it } from 'vitest';
import { JSC_CLASSES, JSC_FEATURES } from '../jsc/schema.js';
import { fixtureText, naiveRows } from '../test-support/fixtures.js';
import { OPENML_CLASS_ORDER, syntheticJscArff } from '../test-support/synthetic-jsc.js';
import { parseArff } from './arff.js';

const JSC = { labelColumn: 'class', featureColumns: JSC_FEATURES, classNames: JSC_CLASSES };
const encode = (text: string) => new TextEncoder().encode(text);
const fixture = fixtureText('jsc-synthetic.arff');

function failure(text: string, choice = JSC): string {
  try {
    parseArff(encode(text), 'jets.arff', choice);
  } catch (error) {
    expect(isMachopError(error)).toBe(true);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

/** The fixture with data row `row` (0-based) changed by `change`; returns the text and that row's line. */
function withRow(
  row: number,
  change: (fields: string[]) => string[],
): { text: string; line: number } {
  const target = naiveRows(fixture, true)[row];
  const lines = fixture.split('\n');
  lines[target.line - 1] = change(lines[target.line - 1].split(',')).join(',');
  return { text: lines.join('\n'), line: target.line };
}

describe('parseArff', () => {
  it('reads every data row of the JSC fixture with values equal to parseFloat and labels mapped to g, q, w, z, t', () => {
    const table = parseArff(encode(fixture), 'jets.arff', JSC);
    const expected = naiveRows(fixture, true);
    expect(table.rows).toBe(expected.length);
    expect(table.featureNames).toEqual(JSC_FEATURES);
    expect(table.classNames).toEqual(['g', 'q', 'w', 'z', 't']);
    expected.forEach((row, index) => {
      const values = row.fields.slice(0, 16).map((field) => Math.fround(Number.parseFloat(field)));
      expect(Array.from(table.x.subarray(index * 16, index * 16 + 16))).toEqual(values);
      expect(table.classNames[table.y[index]]).toBe(row.fields[16]);
    });
    expect(table.x).toBeInstanceOf(Float32Array);
    expect(table.y).toBeInstanceOf(Int32Array);
  });

  it('reads CRLF line ends, quoted labels, lower-case keywords and comments alike', () => {
    const plain = parseArff(encode(syntheticJscArff({ rows: 50, seed: 3 })), 'a.arff', JSC);
    const variant = syntheticJscArff({
      rows: 50,
      seed: 3,
      lineEnd: '\r\n',
      quoteLabels: true,
      lowerCaseKeywords: true,
    }).replace('@data\r\n', '@data\r\n% a comment\r\n\r\n');
    expect(variant).toContain("'g'");
    const other = parseArff(encode(variant), 'b.arff', JSC);
    expect(other.x).toEqual(plain.x);
    expect(other.y).toEqual(plain.y);
  });

  it('takes the classes in the declared order when no class names are given', () => {
    const table = parseArff(encode(fixture), 'jets.arff', { labelColumn: 'class' });
    expect(table.classNames).toEqual(OPENML_CLASS_ORDER);
    expect(table.featureNames).toEqual(JSC_FEATURES);
  });

  it('reads quoted attribute names and any column order', () => {
    const text =
      "@relation 'r'\n@attribute 'the label' {b,a}\n@attribute \"x one\" real\n@attribute y integer\n@data\na, 1.5, 2\nb,-1,3\n";
    const table = parseArff(encode(text), 'small.arff', { labelColumn: 'the label' });
    expect(table.featureNames).toEqual(['x one', 'y']);
    expect(Array.from(table.x)).toEqual([1.5, 2, -1, 3]);
    expect(Array.from(table.y)).toEqual([1, 0]);
  });
});

describe('parseArff on bad input', () => {
  it('says an empty file is empty', () => {
    expect(failure('')).toBe(
      'jets.arff: the file is empty; check the path, or download the file again',
    );
    expect(failure('% only a comment\n\n')).toMatch(/^jets\.arff: the file is empty/);
  });

  it('says a file that is not ARFF is not ARFF', () => {
    expect(failure('a,b,c\n1,2,3\n')).toMatch(
      /^jets\.arff line 1: unexpected "a,b,c" in the ARFF header; is it an ARFF file\?/,
    );
  });

  it('reports a header cut off before @data', () => {
    const cut = fixture.slice(0, fixture.indexOf('@ATTRIBUTE j_mass_mmdt'));
    expect(failure(cut)).toMatch(
      /^jets\.arff line \d+: the ARFF header has no @data line; the file is truncated/,
    );
  });

  it('reports a data section cut off mid-row, naming the last line', () => {
    const rowStart = fixture.indexOf('\n', Math.floor(fixture.length * 0.6)) + 1;
    const cut = fixture.slice(0, rowStart + 50);
    const lastLine = cut.split('\n').length;
    expect(failure(cut)).toMatch(
      new RegExp(
        `^jets\\.arff line ${lastLine}: expected 17 values, found \\d+ \\(the file may be truncated or corrupt\\)`,
      ),
    );
  });

  it('reports a row with too many values', () => {
    const { text, line } = withRow(10, (fields) => [...fields.slice(0, 16), '1.0', fields[16]]);
    expect(failure(text)).toBe(
      `jets.arff line ${line}: expected 17 values, found 18; fix or remove the row; the header names 17 columns`,
    );
  });

  it('reports a non-numeric value with its column and line', () => {
    const { text, line } = withRow(3, (fields) =>
      fields.map((field, index) => (index === 14 ? 'heavy' : field)),
    );
    expect(failure(text)).toBe(
      `jets.arff line ${line}: non-numeric value "heavy" in column "j_mass_mmdt"; features must be numbers; fix the value or remove the column`,
    );
  });

  it('rejects NaN, Inf and missing values', () => {
    for (const [value, message] of [
      ['NaN', '"NaN" in column "j_zlogz" is not a finite number'],
      ['-inf', '"-inf" in column "j_zlogz" is not a finite number'],
      ['?', 'missing value "?" in column "j_zlogz"'],
      ['1e40', '"1e40" in column "j_zlogz" is too large for a 32-bit float'],
      ['', 'empty value in column "j_zlogz"'],
    ]) {
      const { text, line } = withRow(5, (fields) => [value, ...fields.slice(1)]);
      expect(failure(text)).toContain(`jets.arff line ${line}: ${message}`);
    }
  });

  it('rejects an unknown label in the data, naming it and the line', () => {
    const { text, line } = withRow(7, (fields) => [...fields.slice(0, 16), 'h']);
    expect(failure(text)).toBe(
      `jets.arff line ${line}: unknown class label "h" in column "class"; expected one of g, q, w, z, t`,
    );
  });

  it('rejects an unknown label declared in the header, naming it and the declaration line', () => {
    const declaration =
      fixture.split('\n').findIndex((text) => text.startsWith('@ATTRIBUTE class')) + 1;
    expect(failure(fixture.replace('{g,q,t,w,z}', '{g,q,t,w,z,h}'))).toBe(
      `jets.arff line ${declaration}: unknown class label "h" declared for "class"; expected only g, q, w, z, t`,
    );
  });

  it('rejects a missing label column, suggesting the closest name', () => {
    expect(failure(fixture, { ...JSC, labelColumn: 'klass' })).toBe(
      'jets.arff: no label column "klass"; did you mean "class"?',
    );
  });

  it('rejects a missing feature column', () => {
    const text = fixture.replace('@ATTRIBUTE j_multiplicity NUMERIC', '@ATTRIBUTE j_count NUMERIC');
    expect(failure(text)).toMatch(/^jets\.arff: missing feature column "j_multiplicity"/);
  });

  it('rejects a nominal feature, naming its declaration line', () => {
    const text =
      '@relation r\n@attribute colour {red,blue}\n@attribute label {a,b}\n@data\nred,a\n';
    expect(failure(text, { labelColumn: 'label' } as typeof JSC)).toBe(
      'jets.arff line 2: feature "colour" is nominal, not numeric; features must be numeric; remove the attribute or choose the features',
    );
  });

  it('rejects an empty @data section', () => {
    expect(failure(fixture.slice(0, fixture.indexOf('@DATA') + 6))).toMatch(
      /the @data section has no rows; the file is truncated/,
    );
  });
});
