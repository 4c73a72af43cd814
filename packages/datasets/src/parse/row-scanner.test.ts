import { isMachopError } from '@machop/core';
import { describe, expect, it } from 'vitest';
import { RowScanner, type RowDialect } from './row-scanner.js';

function rows(text: string, dialect: RowDialect): { line: number; fields: string[] }[] {
  const scanner = new RowScanner(new TextEncoder().encode(text), 'test.txt', dialect);
  const result: { line: number; fields: string[] }[] = [];
  while (scanner.next())
    result.push({
      line: scanner.line,
      fields: Array.from({ length: scanner.count }, (_, field) => scanner.text(field)),
    });
  return result;
}

function failure(text: string, dialect: RowDialect): string {
  try {
    rows(text, dialect);
  } catch (error) {
    expect(isMachopError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('RowScanner (CSV)', () => {
  it('splits fields, trims spaces, skips blank lines and reads CRLF', () => {
    expect(rows('a, b ,c\r\n\r\n1,2,3\r\n', 'csv')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 3, fields: ['1', '2', '3'] },
    ]);
  });

  it('reads RFC 4180 quotes: commas, doubled quotes and line breaks inside', () => {
    expect(rows('"x, y","say ""hi""","two\nlines"\nnext,row,here', 'csv')).toEqual([
      { line: 1, fields: ['x, y', 'say "hi"', 'two\nlines'] },
      { line: 3, fields: ['next', 'row', 'here'] },
    ]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(rows('1,,3,\n', 'csv')).toEqual([{ line: 1, fields: ['1', '', '3', ''] }]);
  });

  it('does not treat % as a comment in CSV', () => {
    expect(rows('%a,b\n', 'csv')).toEqual([{ line: 1, fields: ['%a', 'b'] }]);
  });

  it('reports an unclosed quote with its line', () => {
    expect(failure('a,b\n1,"open\n', 'csv')).toMatch(
      /^test\.txt line 2: a quoted value in field 2 is never closed/,
    );
  });

  it('reports text after a closing quote', () => {
    expect(failure('"a"b,c\n', 'csv')).toMatch(
      /^test\.txt line 1: unexpected text after the quoted value in field 1/,
    );
  });
});

describe('RowScanner (ARFF data)', () => {
  it('skips % comments and reads single or double quotes with backslash escapes', () => {
    expect(rows("% comment\n1,'g'\n  % indented comment\n2,\"it\\'s\"\n", 'arff')).toEqual([
      { line: 2, fields: ['1', 'g'] },
      { line: 4, fields: ['2', "it's"] },
    ]);
  });

  it('rejects sparse rows with a message naming the line', () => {
    expect(failure('1,g\n{0 1, 1 g}\n', 'arff')).toMatch(/^test\.txt line 2: sparse ARFF rows/);
  });

  it('rejects a quote left open at the end of a line', () => {
    expect(failure("1,'g\n2,q\n", 'arff')).toMatch(
      /^test\.txt line 1: a quoted value in field 2 is never closed/,
    );
  });
});
