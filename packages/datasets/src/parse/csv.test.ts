import { isMachopError } from '@machop/core';
import { describe, expect, it } from 'vitest';
import { fixtureText, naiveRows } from '../test-support/fixtures.js';
import { parseCsv } from './csv.js';
import type { ColumnChoice } from './table.js';

const encode = (text: string) => new TextEncoder().encode(text);
const wine = fixtureText('wine.csv');

function failure(text: string, choice: Partial<ColumnChoice> = {}): string {
  try {
    parseCsv(encode(text), 'data.csv', choice);
  } catch (error) {
    expect(isMachopError(error)).toBe(true);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('parseCsv', () => {
  it('reads the wine data: every row, values equal to parseFloat, classes from the last column', () => {
    const table = parseCsv(encode(wine), 'wine.csv');
    const [header, ...rows] = naiveRows(wine, false);
    expect(table.featureNames).toEqual(header.fields.slice(0, -1));
    expect(table.rows).toBe(rows.length);
    expect(table.classNames).toEqual([...new Set(rows.map((row) => row.fields.at(-1)!))].sort());
    const features = table.featureNames.length;
    rows.forEach((row, index) => {
      expect(Array.from(table.x.subarray(index * features, (index + 1) * features))).toEqual(
        row.fields.slice(0, -1).map((field) => Math.fround(Number(field))),
      );
      expect(table.classNames[table.y[index]]).toBe(row.fields.at(-1));
    });
  });

  it('takes any column as the label and orders integer labels numerically', () => {
    const text = 'grade,a,b\n10,1,2\n9,3,4\n10,5,6\n2,7,8\n';
    const table = parseCsv(encode(text), 'grades.csv', { labelColumn: 'grade' });
    expect(table.classNames).toEqual(['2', '9', '10']);
    expect(Array.from(table.y)).toEqual([2, 1, 2, 0]);
    expect(table.featureNames).toEqual(['a', 'b']);
    expect(Array.from(table.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('reads a byte-order mark, CRLF, quoted names and quoted values', () => {
    const text = '\uFEFF"first x",x2,"the, label"\r\n"1.5",2,"a"\r\n3,4,b\r\n';
    const table = parseCsv(encode(text), 'quoted.csv', { labelColumn: 'the, label' });
    expect(table.featureNames).toEqual(['first x', 'x2']);
    expect(Array.from(table.x)).toEqual([1.5, 2, 3, 4]);
    expect(table.classNames).toEqual(['a', 'b']);
  });
});

describe('parseCsv on bad input', () => {
  it('says an empty file is empty', () => {
    expect(failure('')).toBe(
      'data.csv: the file is empty; check the path; a CSV file needs a header row and data rows',
    );
    expect(failure('\n\n  \n')).toMatch(/^data\.csv: the file is empty/);
  });

  it('says a header without rows has no rows', () => {
    expect(failure('a,b,label\n')).toBe(
      'data.csv line 1: the file has a header but no data rows; add rows, or check that the file is complete',
    );
  });

  it('rejects a missing label column, suggesting the closest name', () => {
    expect(failure(wine, { labelColumn: 'lable' })).toBe(
      'data.csv line 1: no label column "lable"; did you mean "label"?',
    );
  });

  it('reports a row cut short, naming its line', () => {
    const lines = wine.trimEnd().split('\n');
    const cut = `${lines.slice(0, 101).join('\n')}\n${lines[101].slice(0, 20)}`;
    expect(failure(cut)).toMatch(
      /^data\.csv line 102: expected 14 values, found \d+ \(the file may be truncated or corrupt\)/,
    );
  });

  it('reports a non-numeric feature, NaN and Inf with column and line', () => {
    expect(failure('a,b,label\n1,2,x\n1,high,y\n')).toBe(
      'data.csv line 3: non-numeric value "high" in column "b"; features must be numbers; fix the value or remove the column',
    );
    expect(failure('a,b,label\n1,2,x\nNaN,2,y\n')).toBe(
      'data.csv line 3: "NaN" in column "a" is not a finite number; replace NaN and Inf values or remove the row',
    );
    expect(failure('a,b,label\n1,Infinity,x\n')).toMatch(
      /^data\.csv line 2: "Infinity" in column "b" is not a finite number/,
    );
    expect(failure('a,b,label\n1,,x\n')).toMatch(/^data\.csv line 2: empty value in column "b"/);
  });

  it('rejects an empty label', () => {
    expect(failure('a,b,label\n1,2,x\n3,4,\n')).toBe(
      'data.csv line 3: the label column "label" is empty; give every row a class label or remove the row',
    );
  });

  it('rejects a header with a blank or repeated name, or a single column', () => {
    expect(failure('a,,label\n1,2,x\n')).toMatch(
      /^data\.csv line 1: column 2 of the header has no name/,
    );
    expect(failure('a,a,label\n1,2,x\n')).toMatch(/^data\.csv line 1: column "a" appears twice/);
    expect(failure('a;b;label\n1;2;x\n')).toMatch(
      /^data\.csv line 1: the header has 1 column; .*is the separator a comma\?/,
    );
  });

  it('rejects a binary or corrupt file', () => {
    const garbage = String.fromCharCode(
      ...Array.from({ length: 200 }, (_, index) => (index * 37) % 256),
    );
    // Binary bytes (a NUL among them) are caught before parsing, as not text.
    expect(failure(`a,b,label\n1,2,x\n${garbage}`)).toMatch(
      /^data\.csv: the file is not text \(a NUL byte at byte \d+\); pass a CSV text file$/,
    );
  });
});

describe('files that are not text', () => {
  it('says a binary or gzip file is not text, instead of failing in some row', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(() => parseCsv(png, 'picture.csv')).toThrow(
      'picture.csv: the file is not text (a NUL byte at byte 8); pass a CSV text file',
    );
    const gzip = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]);
    expect(() => parseCsv(gzip, 'data.csv.gz')).toThrow(
      'data.csv.gz: the file is gzip-compressed, not text; decompress it (gunzip) and pass the CSV file',
    );
  });
});
