import type { LabelTable } from './label-table.js';
import { isNonFiniteWord, parseFloat32, scanFloat32, scanned } from './number.js';
import { fileProblem, shown } from './problem.js';
import { ESCAPED, type RowDialect, type RowScanner } from './row-scanner.js';
import {
  COMMA,
  NEWLINE,
  RETURN,
  SPACE,
  TAB,
  DOUBLE_QUOTE,
  SINGLE_QUOTE,
  BACKSLASH,
} from './char-codes.js';

/** Which fields of each row hold the features and the label. */
export interface ColumnPlan {
  /** Names of every column, in file order. */
  columns: readonly string[];
  /** Field index of each feature, in output order. */
  featureColumns: readonly number[];
  /** Field index of the label, or -1 for rows without one (their labels read as 0). */
  labelColumn: number;
  labels: LabelTable;
  dialect: RowDialect;
}

/** Rows read into typed arrays; `x` and `y` may be views of larger buffers. */
export interface RowData {
  x: Float32Array;
  y: Int32Array;
  rows: number;
}

const LABEL = -1;
const IGNORED = -2;

/**
 * Read the row at `start` in one pass when it is plain (unquoted numbers, a plainly quoted or
 * unquoted known label, the right number of fields). Returns the offset after the row, or -1
 * to let the general scanner handle the row and report what is wrong with it.
 */
function readPlainRow(
  bytes: Uint8Array,
  start: number,
  roles: Int32Array,
  labels: LabelTable,
  singleQuotes: boolean,
  x: Float32Array,
  base: number,
  y: Int32Array,
  row: number,
): number {
  const end = bytes.length;
  const last = roles.length - 1;
  let index = start;
  for (let column = 0; column <= last; column++) {
    while (index < end && (bytes[index] === SPACE || bytes[index] === TAB)) index++;
    const role = roles[column];
    if (role >= 0) {
      const value = scanFloat32(bytes, index, end);
      if (!Number.isFinite(value)) return -1;
      x[base + role] = value;
      index = scanned.end;
    } else {
      const first = index < end ? bytes[index] : NEWLINE;
      let fieldStart = index;
      let fieldEnd: number;
      if (first === DOUBLE_QUOTE || (singleQuotes && first === SINGLE_QUOTE)) {
        fieldStart = ++index;
        while (
          index < end &&
          bytes[index] !== first &&
          bytes[index] !== BACKSLASH &&
          bytes[index] !== NEWLINE
        )
          index++;
        if (index >= end || bytes[index] !== first || bytes[index + 1] === first) return -1;
        fieldEnd = index++;
      } else {
        while (index < end && bytes[index] !== COMMA && bytes[index] !== NEWLINE) index++;
        fieldEnd = index;
        while (
          fieldEnd > fieldStart &&
          (bytes[fieldEnd - 1] === SPACE ||
            bytes[fieldEnd - 1] === TAB ||
            bytes[fieldEnd - 1] === RETURN)
        )
          fieldEnd--;
      }
      if (role === LABEL) {
        const label = labels.indexOfBytes(bytes, fieldStart, fieldEnd);
        if (label < 0) return -1;
        y[row] = label;
      }
    }
    while (
      index < end &&
      (bytes[index] === SPACE || bytes[index] === TAB || bytes[index] === RETURN)
    )
      index++;
    if (column < last) {
      if (index >= end || bytes[index] !== COMMA) return -1;
    } else if (index < end && bytes[index] !== NEWLINE) {
      return -1;
    }
    index++;
  }
  return index;
}

/** Read every remaining row of `scanner` into typed arrays, checking counts and values. */
export function readRows(
  scanner: RowScanner,
  bytes: Uint8Array,
  file: string,
  plan: ColumnPlan,
): RowData {
  const features = plan.featureColumns.length;
  const columns = plan.columns.length;
  const roles = new Int32Array(columns).fill(IGNORED);
  plan.featureColumns.forEach((column, feature) => (roles[column] = feature));
  if (plan.labelColumn >= 0) roles[plan.labelColumn] = LABEL;
  const singleQuotes = plan.dialect === 'arff';
  let capacity = 1024;
  let x = new Float32Array(capacity * features);
  let y = new Int32Array(capacity);
  let rows = 0;
  for (;;) {
    const start = scanner.seekRow();
    if (start < 0) break;
    if (rows === capacity) {
      capacity *= 2;
      const grownX = new Float32Array(capacity * features);
      grownX.set(x);
      x = grownX;
      const grownY = new Int32Array(capacity);
      grownY.set(y);
      y = grownY;
    }
    const base = rows * features;
    const after = readPlainRow(bytes, start, roles, plan.labels, singleQuotes, x, base, y, rows);
    if (after >= 0) {
      scanner.skipRow(after);
      rows++;
      continue;
    }
    scanner.splitRow(start);
    if (scanner.count !== columns) {
      const hint = scanner.count < columns ? ' (the file may be truncated or corrupt)' : '';
      throw fileProblem(
        file,
        scanner.line,
        `expected ${columns} values, found ${scanner.count}${hint}`,
        `fix or remove the row; the header names ${columns} columns`,
      );
    }
    for (let column = 0; column < columns; column++) {
      const feature = roles[column];
      if (feature < 0) continue;
      const value =
        (scanner.flags[column] & ESCAPED) === 0
          ? parseFloat32(bytes, scanner.starts[column], scanner.ends[column])
          : Number.NaN;
      if (!Number.isFinite(value))
        throw badValue(scanner, bytes, file, column, plan.columns[column], value);
      x[base + feature] = value;
    }
    y[rows] =
      plan.labelColumn >= 0 ? plan.labels.indexOf(scanner, bytes, plan.labelColumn, file) : 0;
    rows++;
  }
  return { x: x.subarray(0, rows * features), y: y.subarray(0, rows), rows };
}

function badValue(
  scanner: RowScanner,
  bytes: Uint8Array,
  file: string,
  field: number,
  column: string,
  value: number,
): Error {
  const start = scanner.starts[field];
  const end = scanner.ends[field];
  const text = scanner.text(field);
  const where = `in column "${column}"`;
  if (end === start)
    return fileProblem(
      file,
      scanner.line,
      `empty value ${where}`,
      'fill in the value or remove the row',
    );
  if (text === '?')
    return fileProblem(
      file,
      scanner.line,
      `missing value "?" ${where}`,
      'fill in the value or remove the row',
    );
  if (isNonFiniteWord(bytes, start, end))
    return fileProblem(
      file,
      scanner.line,
      `${shown(text)} ${where} is not a finite number`,
      'replace NaN and Inf values or remove the row',
    );
  if (Number.isNaN(value))
    return fileProblem(
      file,
      scanner.line,
      `non-numeric value ${shown(text)} ${where}`,
      'features must be numbers; fix the value or remove the column',
    );
  return fileProblem(
    file,
    scanner.line,
    `${shown(text)} ${where} is too large for a 32-bit float`,
    'rescale the column or remove the row',
  );
}
