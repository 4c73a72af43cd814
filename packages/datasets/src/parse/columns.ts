import { closestNames } from '@machop/core/base';
import { fileProblem } from './problem.js';

/** Describe a missing column with the closest existing names. */
export function missingColumn(
  file: string,
  line: number | undefined,
  kind: string,
  name: string,
  columns: readonly string[],
): Error {
  const close = closestNames(name, [...columns]);
  const hint =
    close.length > 0
      ? `did you mean ${close.map((candidate) => `"${candidate}"`).join(', ')}?`
      : `columns are ${columns.slice(0, 20).join(', ')}${columns.length > 20 ? ', ...' : ''}`;
  return fileProblem(file, line, `no ${kind} column "${name}"`, hint);
}

/** Field indices of the wanted feature columns (default: every column but the label). */
export function featureIndices(
  file: string,
  line: number | undefined,
  columns: readonly string[],
  labelIndex: number,
  wanted: readonly string[] | undefined,
): number[] {
  if (wanted === undefined)
    return columns.map((_, index) => index).filter((index) => index !== labelIndex);
  const missing = wanted.filter((name) => !columns.includes(name));
  if (missing.length > 0) {
    throw fileProblem(
      file,
      line,
      `missing feature column${missing.length > 1 ? 's' : ''} ${missing.map((name) => `"${name}"`).join(', ')}`,
      'is it the right file? it needs every feature column',
    );
  }
  return wanted.map((name) => columns.indexOf(name));
}
