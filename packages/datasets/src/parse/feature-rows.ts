import path from 'node:path';
import { closestNames } from '@machop/core/base';
import { readDataFile } from '../read-file.js';
import { parseArffHeader } from './arff-header.js';
import { readCsvHeader } from './csv-header.js';
import { LabelTable } from './label-table.js';
import { checkText, fileProblem } from './problem.js';
import { readRows, type RowData } from './read-rows.js';
import { RowScanner } from './row-scanner.js';

/** Unlabelled rows of a file, with the columns given as features, in the order asked. */
export interface FeatureRows {
  /** `rows * features` values, row-major, columns in the order of the names asked for. */
  x: Float32Array;
  rows: number;
  /** Columns of the file that are not features (such as a label), in file order. */
  ignoredColumns: string[];
  format: 'csv' | 'arff';
}

/** Whether `bytes` are an ARFF file: named `.arff`, or starting with a `%` comment or `@relation`. */
function isArff(bytes: Uint8Array, file: string): boolean {
  if (path.extname(file).toLowerCase() === '.arff') return true;
  const start = new TextDecoder().decode(bytes.subarray(0, 256)).replace(/^\uFEFF?\s*/, '');
  return start.startsWith('%') || /^@relation\b/i.test(start);
}

/** Field index of every feature name; a name the file lacks is one line naming it and the file. */
function featureFields(
  file: string,
  line: number | undefined,
  columns: readonly string[],
  featureNames: readonly string[],
): number[] {
  const missing = featureNames.filter((name) => !columns.includes(name));
  if (missing.length > 0) {
    // Suggest only columns the model does not read already.
    const spare = columns.filter((name) => !featureNames.includes(name));
    const close = closestNames(missing[0], spare);
    const guess =
      close.length > 0 ? ` (did you mean ${close.map((name) => `"${name}"`).join(', ')}?)` : '';
    throw fileProblem(
      file,
      line,
      `no feature column ${missing.map((name) => `"${name}"`).join(', ')}${guess}`,
      `the model needs the columns ${featureNames.join(', ')}, matched by name in any order; add or rename the column`,
    );
  }
  return featureNames.map((name) => columns.indexOf(name));
}

function noRows(file: string, line: number | undefined): Error {
  return fileProblem(
    file,
    line,
    'the file has no data rows',
    'add rows of feature values, or check that the file is complete',
  );
}

function rowsOf(
  scanner: RowScanner,
  bytes: Uint8Array,
  file: string,
  columns: string[],
  featureColumns: number[],
  dialect: 'csv' | 'arff',
): RowData {
  return readRows(scanner, bytes, file, {
    columns,
    featureColumns,
    labelColumn: -1,
    labels: new LabelTable([], false, ''),
    dialect,
  });
}

/**
 * Read feature rows from the bytes of a CSV file (a header row, then rows) or a dense ARFF file,
 * picking the columns named `featureNames` in any order; other columns are ignored. Values are
 * read as 32-bit floats exactly as the data sets read training rows. A problem (an empty file,
 * a missing column, a row of the wrong length, a value that is not a finite number) throws a
 * one-line `DatasetError` naming the file and line.
 */
export function parseFeatureRows(
  bytes: Uint8Array,
  file: string,
  featureNames: readonly string[],
): FeatureRows {
  const format = isArff(bytes, file) ? 'arff' : 'csv';
  let columns: string[];
  let data: RowData;
  if (format === 'csv') {
    const header = readCsvHeader(bytes, file);
    columns = header.columns;
    const fields = featureFields(file, header.line, columns, featureNames);
    data = rowsOf(header.scanner, bytes, file, columns, fields, 'csv');
    if (data.rows === 0) throw noRows(file, header.line);
  } else {
    checkText(bytes, file, 'ARFF');
    const header = parseArffHeader(bytes, file);
    columns = header.attributes.map((attribute) => attribute.name);
    const fields = featureFields(file, undefined, columns, featureNames);
    for (const field of fields) {
      const attribute = header.attributes[field];
      if (attribute.type !== 'numeric')
        throw fileProblem(
          file,
          attribute.line,
          `feature "${attribute.name}" is ${attribute.type}, not numeric`,
          'declare it numeric: the model reads numbers',
        );
    }
    const scanner = new RowScanner(bytes, file, 'arff', header.data);
    data = rowsOf(scanner, bytes, file, columns, fields, 'arff');
    if (data.rows === 0) throw noRows(file, header.data.line);
  }
  return {
    x: data.x,
    rows: data.rows,
    ignoredColumns: columns.filter((name) => !featureNames.includes(name)),
    format,
  };
}

/** {@link parseFeatureRows} of a file on disk; a missing file or a folder is a one-line `DatasetError`. */
export async function readFeatureRows(
  file: string,
  featureNames: readonly string[],
): Promise<FeatureRows> {
  return parseFeatureRows(await readDataFile(file), file, featureNames);
}
