import type { Scaler, SplitOptions, TabularDataset } from '@machop/core/base';

/** Rows of one class in each split. */
export interface ClassCount {
  name: string;
  index: number;
  train: number;
  validation: number;
  test: number;
  total: number;
}

/** What `ch info DATASET` shows: a plain, JSON-ready description of a loaded data set. */
export interface DatasetSummary {
  name: string;
  description: string;
  file?: string;
  checksum?: string;
  features: string[];
  classes: ClassCount[];
  sizes: { train: number; validation: number; test: number; total: number };
  /** Rows read from the source, before duplicates were dropped. */
  rows: number;
  duplicatesDropped: number;
  split: SplitOptions;
  scaler: Scaler;
}

function counts(labels: Int32Array, classes: number): number[] {
  const result = new Array<number>(classes).fill(0);
  for (const label of labels) result[label]++;
  return result;
}

/** Summarise a loaded data set: features, class counts per split, split sizes, scaler. */
export function summarizeDataset(data: TabularDataset): DatasetSummary {
  const train = counts(data.train.y, data.classes);
  const validation = counts(data.validation.y, data.classes);
  const test = counts(data.test.y, data.classes);
  return {
    name: data.name,
    description: data.source.description,
    ...(data.source.file === undefined ? {} : { file: data.source.file }),
    ...(data.source.checksum === undefined ? {} : { checksum: data.source.checksum }),
    features: [...data.featureNames],
    classes: data.classNames.map((name, index) => ({
      name,
      index,
      train: train[index],
      validation: validation[index],
      test: test[index],
      total: train[index] + validation[index] + test[index],
    })),
    sizes: {
      train: data.train.size,
      validation: data.validation.size,
      test: data.test.size,
      total: data.train.size + data.validation.size + data.test.size,
    },
    rows: data.source.rows,
    duplicatesDropped: data.source.duplicatesDropped,
    split: { ...data.split },
    scaler: { mean: [...data.scaler.mean], scale: [...data.scaler.scale] },
  };
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)];
}

const number = (value: number) => value.toLocaleString('en-US');
const decimal = (value: number) =>
  Math.abs(value) >= 1e5 || (value !== 0 && Math.abs(value) < 1e-3)
    ? value.toExponential(4)
    : value.toFixed(4);

/** Format a {@link DatasetSummary} as readable text tables (no trailing newline). */
export function formatDatasetSummary(summary: DatasetSummary): string {
  const { sizes } = summary;
  const lines = [`Dataset: ${summary.name}`, `  ${summary.description}`];
  if (summary.file) lines.push(`  file: ${summary.file}`);
  if (summary.checksum) lines.push(`  checksum: ${summary.checksum}`);
  lines.push(
    `  rows: ${number(summary.rows)} read, ${number(summary.duplicatesDropped)} duplicates dropped, ${number(sizes.total)} used`,
    `  split: seed ${summary.split.seed}, test ${summary.split.testFraction}, validation ${summary.split.valFraction} of the rest`,
    '',
    ...table(
      ['split', 'rows', 'share'],
      (['train', 'validation', 'test'] as const).map((part) => [
        part,
        number(sizes[part]),
        sizes.total > 0 ? `${((100 * sizes[part]) / sizes.total).toFixed(1)}%` : '-',
      ]),
    ),
    '',
    ...table(
      ['class', 'index', 'train', 'validation', 'test', 'total'],
      summary.classes.map((entry) => [
        entry.name,
        String(entry.index),
        number(entry.train),
        number(entry.validation),
        number(entry.test),
        number(entry.total),
      ]),
    ),
    '',
    ...table(
      ['feature', 'mean', 'scale'],
      summary.features.map((name, index) => [
        name,
        decimal(summary.scaler.mean[index]),
        decimal(summary.scaler.scale[index]),
      ]),
    ),
  );
  return lines.join('\n');
}
