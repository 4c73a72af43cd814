import { parseArffHeader, type ArffHeader } from './arff-header.js';
import { featureIndices, missingColumn } from './columns.js';
import { LabelTable, orderClasses } from './label-table.js';
import { checkText, fileProblem, shown } from './problem.js';
import { readRows, type ColumnPlan, type RowData } from './read-rows.js';
import { RowScanner } from './row-scanner.js';
import type { ColumnChoice, LabelledTable } from './table.js';

/** What reading an ARFF file's rows needs, from its header and the column choice. */
export interface ArffLayout {
  header: ArffHeader;
  plan: ColumnPlan;
  /** Classes known up front (chosen or declared); empty when they come from the rows. */
  known: readonly string[];
}

/** Check the header of an ARFF file against `choice` and plan how to read its rows. */
export function arffLayout(bytes: Uint8Array, file: string, choice: ColumnChoice): ArffLayout {
  checkText(bytes, file, 'ARFF');
  const header = parseArffHeader(bytes, file);
  const columns = header.attributes.map((attribute) => attribute.name);
  const labelIndex = columns.indexOf(choice.labelColumn);
  if (labelIndex < 0) throw missingColumn(file, undefined, 'label', choice.labelColumn, columns);
  const label = header.attributes[labelIndex];
  const featureColumns = featureIndices(
    file,
    undefined,
    columns,
    labelIndex,
    choice.featureColumns,
  );
  for (const index of featureColumns) {
    const attribute = header.attributes[index];
    if (attribute.type !== 'numeric') {
      throw fileProblem(
        file,
        attribute.line,
        `feature "${attribute.name}" is ${attribute.type}, not numeric`,
        'features must be numeric; remove the attribute or choose the features',
      );
    }
  }
  if (choice.classNames && label.values) {
    const unknown = label.values.find((value) => !choice.classNames!.includes(value));
    if (unknown !== undefined) {
      throw fileProblem(
        file,
        label.line,
        `unknown class label ${shown(unknown)} declared for "${label.name}"`,
        `expected only ${choice.classNames.join(', ')}`,
      );
    }
  }
  const known = choice.classNames ?? label.values ?? [];
  const labels = new LabelTable(known, known.length > 0, label.name);
  return {
    header,
    plan: { columns, featureColumns, labelColumn: labelIndex, labels, dialect: 'arff' },
    known,
  };
}

/** The table of the rows read with `layout`, classes ordered when the rows defined them. */
export function arffTable(file: string, layout: ArffLayout, data: RowData): LabelledTable {
  if (data.rows === 0)
    throw fileProblem(
      file,
      layout.header.data.line,
      'the @data section has no rows',
      'the file is truncated; download it again',
    );
  let classNames = layout.plan.labels.names;
  if (layout.known.length === 0) {
    const ordered = orderClasses(classNames);
    for (let row = 0; row < data.rows; row++) data.y[row] = ordered.newIndex[data.y[row]];
    classNames = ordered.names;
  }
  return {
    featureNames: layout.plan.featureColumns.map((index) => layout.plan.columns[index]),
    classNames: [...classNames],
    ...data,
  };
}

/**
 * Parse a dense ARFF file into typed arrays. Feature columns must be numeric; the label column
 * may be nominal (its declared values give the classes unless `classNames` is given), string or
 * integer. Any problem throws a `DatasetError` naming the file and line.
 */
export function parseArff(bytes: Uint8Array, file: string, choice: ColumnChoice): LabelledTable {
  const layout = arffLayout(bytes, file, choice);
  const scanner = new RowScanner(bytes, file, 'arff', layout.header.data);
  return arffTable(file, layout, readRows(scanner, bytes, file, layout.plan));
}
