import { checkText, fileProblem } from './problem.js';
import { RowScanner } from './row-scanner.js';

/** A CSV file's header row, and a scanner standing at its first data row. */
export interface CsvHeader {
  /** Column names in file order: unique and none empty. */
  columns: string[];
  /** Line of the header row. */
  line: number;
  scanner: RowScanner;
}

/**
 * Read and check the header row of a CSV file (text, not empty, every column named once), so
 * that every reader of CSV rows refuses a bad header with the same line.
 */
export function readCsvHeader(bytes: Uint8Array, file: string): CsvHeader {
  checkText(bytes, file, 'CSV');
  const offset = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const scanner = new RowScanner(bytes, file, 'csv', { offset, line: 1 });
  if (!scanner.next())
    throw fileProblem(
      file,
      undefined,
      'the file is empty',
      'check the path; a CSV file needs a header row and data rows',
    );
  const line = scanner.line;
  const columns = Array.from({ length: scanner.count }, (_, field) => scanner.text(field));
  const blank = columns.findIndex((name) => name === '');
  if (blank >= 0)
    throw fileProblem(
      file,
      line,
      `column ${blank + 1} of the header has no name`,
      'the first row must name every column',
    );
  const twice = columns.find((name, index) => columns.indexOf(name) !== index);
  if (twice !== undefined)
    throw fileProblem(
      file,
      line,
      `column "${twice}" appears twice in the header`,
      'give every column a unique name',
    );
  return { columns, line, scanner };
}
