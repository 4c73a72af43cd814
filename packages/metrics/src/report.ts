import { ConfigError } from '@machop/core';
import type { ClassificationResult } from './classification-metrics.js';

/** Options of {@link formatClassificationReport}. */
export interface ReportOptions {
  /** Decimal places of the ratios (default 4). */
  digits?: number;
}

/** Right-align every column of `rows` (the first column left-aligned), two spaces apart. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  ')
      .trimEnd(),
  );
}

/**
 * A plain-text report of a {@link ClassificationResult}, as `ch test` prints it: precision,
 * recall, F1, support and (when computed) ROC AUC per class with their macro means, the overall
 * accuracy, top-k accuracy and loss, then the confusion matrix (rows true, columns predicted).
 * An undefined AUC prints as `-`. `classNames` label the classes (default: their indices).
 *
 * @example
 * console.log(formatClassificationReport(metrics.compute(), ['g', 'q', 'w', 'z', 't']));
 */
export function formatClassificationReport(
  result: ClassificationResult,
  classNames?: readonly string[],
  options: ReportOptions = {},
): string {
  const classes = result.confusionMatrix.length;
  const names = classNames ?? Array.from({ length: classes }, (_, index) => String(index));
  if (names.length !== classes) {
    throw new ConfigError(
      `classification report: got ${names.length} class names for ${classes} classes; pass one name per class`,
    );
  }
  const digits = options.digits ?? 4;
  const ratio = (value: number | null | undefined) =>
    value === null || value === undefined ? '-' : value.toFixed(digits);
  const withAuc = result.auc !== undefined;

  const header = ['class', 'precision', 'recall', 'f1', 'support', ...(withAuc ? ['auc'] : [])];
  const perClass = names.map((name, index) => [
    name,
    ratio(result.precision[index]),
    ratio(result.recall[index]),
    ratio(result.f1[index]),
    String(result.support[index]),
    ...(withAuc ? [ratio(result.auc?.[index])] : []),
  ]);
  const macro = [
    'macro',
    ratio(result.macro.precision),
    ratio(result.macro.recall),
    ratio(result.macro.f1),
    String(result.size),
    ...(withAuc ? [ratio(result.macroAuc)] : []),
  ];

  const totals = [`accuracy ${ratio(result.accuracy)}`];
  if (result.topK) totals.push(`top-${result.topK.k} accuracy ${ratio(result.topK.accuracy)}`);
  if (result.loss !== undefined) totals.push(`loss ${ratio(result.loss)}`);
  totals.push(`(${result.size} rows)`);

  const matrix = table([
    ['', ...names],
    ...result.confusionMatrix.map((row, index) => [names[index], ...row.map(String)]),
  ]);

  return (
    [
      ...table([header, ...perClass, macro]),
      '',
      totals.join('  '),
      '',
      'confusion matrix (rows: true class, columns: predicted)',
      ...matrix,
    ].join('\n') + '\n'
  );
}
