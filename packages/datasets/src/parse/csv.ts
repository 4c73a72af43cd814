import { featureIndices, missingColumn } from './columns.js';
import { LabelTable, orderClasses } from './label-table.js';
import { readCsvHeader } from './csv-header.js';
import { fileProblem } from './problem.js';
import { readRows } from './read-rows.js';
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
  const { columns, line: headerLine, scanner } = readCsvHeader(bytes, file);
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
