import { featureIndices, missingColumn } from './columns.js';
import { LabelTable, orderClasses } from './label-table.js';
import { checkText, fileProblem } from './problem.js';
import { readRows } from './read-rows.js';
import { RowScanner } from './row-scanner.js';
import type { ColumnChoice, LabelledTable } from './table.js';

/**
 * Parse a CSV file with a header row into typed arrays. The label column holds class names or
 * integers; every feature column must be numeric. `labelColumn` defaults to the last column.
 * Any problem throws a `DatasetError` naming the file and line.
 */
export function parseCsv(
  bytes: Uint8Array,
  file: string,
  choice: Partial<ColumnChoice> = {},
): LabelledTable {
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
  const headerLine = scanner.line;
  const columns = Array.from({ length: scanner.count }, (_, field) => scanner.text(field));
  const blank = columns.findIndex((name) => name === '');
  if (blank >= 0)
    throw fileProblem(
      file,
      headerLine,
      `column ${blank + 1} of the header has no name`,
      'the first row must name every column',
    );
  const twice = columns.find((name, index) => columns.indexOf(name) !== index);
  if (twice !== undefined)
    throw fileProblem(
      file,
      headerLine,
      `column "${twice}" appears twice in the header`,
      'give every column a unique name',
    );
  if (columns.length < 2)
    throw fileProblem(
      file,
      headerLine,
      `the header has ${columns.length} column`,
      'a CSV needs at least one feature column and a label column (is the separator a comma?)',
    );
  const labelColumn = choice.labelColumn ?? columns[columns.length - 1];
  const labelIndex = columns.indexOf(labelColumn);
  if (labelIndex < 0) throw missingColumn(file, headerLine, 'label', labelColumn, columns);
  const featureColumns = featureIndices(
    file,
    headerLine,
    columns,
    labelIndex,
    choice.featureColumns,
  );
  const labels = new LabelTable(
    choice.classNames ?? [],
    choice.classNames !== undefined,
    labelColumn,
  );
  const data = readRows(scanner, bytes, file, {
    columns,
    featureColumns,
    labelColumn: labelIndex,
    labels,
    dialect: 'csv',
  });
  if (data.rows === 0)
    throw fileProblem(
      file,
      headerLine,
      'the file has a header but no data rows',
      'add rows, or check that the file is complete',
    );
  let classNames = labels.names;
  if (choice.classNames === undefined) {
    const ordered = orderClasses(classNames);
    for (let row = 0; row < data.rows; row++) data.y[row] = ordered.newIndex[data.y[row]];
    classNames = ordered.names;
  }
  return {
    featureNames: featureColumns.map((index) => columns[index]),
    classNames: [...classNames],
    ...data,
  };
}
