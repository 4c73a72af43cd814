import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isMachopError } from '@machop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeatureRows, readFeatureRows } from './feature-rows.js';

const encode = (text: string) => new TextEncoder().encode(text);

function failure(text: string, names: string[], file = 'rows.csv'): string {
  try {
    parseFeatureRows(encode(text), file, names);
  } catch (error) {
    expect(isMachopError(error)).toBe(true);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('parseFeatureRows', () => {
  it('picks the feature columns by name in the order asked, ignoring the others', () => {
    const rows = parseFeatureRows(
      encode('label,b,a,note\nq,2.5,1,"x, y"\nt,-4,3e-2,z\n'),
      'rows.csv',
      ['a', 'b'],
    );
    expect(rows.format).toBe('csv');
    expect(rows.rows).toBe(2);
    expect(Array.from(rows.x)).toEqual([1, 2.5, Math.fround(0.03), -4]);
    expect(rows.ignoredColumns).toEqual(['label', 'note']);
  });

  it('reads values as 32-bit floats exactly as the data sets do', () => {
    const rows = parseFeatureRows(encode('a\n0.1\n16777217\n'), 'rows.csv', ['a']);
    expect(Array.from(rows.x)).toEqual([Math.fround(0.1), 16777216]);
  });

  it('reads a dense ARFF file by its attribute names', () => {
    const arff = [
      '% jets',
      '@relation jets',
      '@attribute b numeric',
      '@attribute class {g,q}',
      '@attribute a real',
      '@data',
      '1,g,2',
      '3,q,4',
    ].join('\n');
    const rows = parseFeatureRows(encode(arff), 'jets.arff', ['a', 'b']);
    expect(rows.format).toBe('arff');
    expect(Array.from(rows.x)).toEqual([2, 1, 4, 3]);
    expect(rows.ignoredColumns).toEqual(['class']);
  });

  it('names a missing feature column, the file and the columns it needs', () => {
    const message = failure('a,bb\n1,2\n', ['a', 'b']);
    expect(message).toMatch(/^rows\.csv line 1: no feature column "b" \(did you mean "bb"\?\)/);
    expect(message).toContain('needs the columns a, b');
  });

  it('refuses a non-numeric cell with its line and column', () => {
    expect(failure('a,b\n1,2\n1,x\n', ['a', 'b'])).toBe(
      'rows.csv line 3: non-numeric value "x" in column "b"; features must be numbers; fix the value or remove the column',
    );
  });

  it('refuses a row of the wrong length', () => {
    expect(failure('a,b\n1,2\n1\n', ['a', 'b'])).toMatch(
      /^rows\.csv line 3: expected 2 values, found 1/,
    );
  });

  it('refuses an empty file and a header without rows', () => {
    expect(failure('', ['a'])).toMatch(/^rows\.csv: the file is empty/);
    expect(failure('a,b\n', ['a'])).toMatch(/^rows\.csv line 1: the file has no data rows/);
  });

  it('refuses a non-numeric ARFF feature attribute', () => {
    const arff = '@relation r\n@attribute a string\n@data\nx\n';
    expect(failure(arff, ['a'], 'r.arff')).toMatch(/^r\.arff line 2: feature "a" is string/);
  });
});

describe('readFeatureRows', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'feature-rows-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a file, and refuses a folder or a missing path in one line', async () => {
    const file = path.join(dir, 'rows.csv');
    await writeFile(file, 'a\n1\n');
    expect((await readFeatureRows(file, ['a'])).rows).toBe(1);
    const folder = path.join(dir, 'folder.csv');
    await mkdir(folder);
    await expect(readFeatureRows(folder, ['a'])).rejects.toThrow(
      `${folder} is a folder; pass the path of a data file`,
    );
    await expect(readFeatureRows(path.join(dir, 'gone.csv'), ['a'])).rejects.toThrow(
      /gone\.csv: no such file; check the path$/,
    );
  });
});
