import {
  DatasetError,
  type Scaler,
  type Split,
  type SplitOptions,
  type TabularDataset,
} from '@machop/core/base';
import type { LabelledTable } from '../parse/table.js';
import { uniqueRows } from './dedupe.js';
import { applyScaler, checkScaler, fitScaler } from './scaler.js';
import { splitRows } from './split.js';

/** What {@link prepareTabular} needs besides the table. */
export interface PrepareOptions {
  /** Name of the data set, as registered. */
  name: string;
  split: SplitOptions;
  /** Apply this scaler instead of fitting one on the training rows. */
  scaler?: Scaler;
  /** Where the rows came from, recorded in `source`. */
  source: { description: string; file?: string; checksum?: string };
}

function gather(table: LabelledTable, rows: Int32Array, features: number): Split {
  const x = new Float32Array(rows.length * features);
  const y = new Int32Array(rows.length);
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    const source = row * features;
    const target = index * features;
    for (let feature = 0; feature < features; feature++)
      x[target + feature] = table.x[source + feature];
    y[index] = table.y[row];
  }
  return { x, y, size: rows.length };
}

/**
 * The hls4ml preprocessing, for any labelled table: drop exact duplicate rows, split into test
 * (`split.testFraction` of the rows), validation (`split.valFraction` of the rest) and train
 * with a seeded shuffle, then standardise every split with a scaler fitted on train only (or
 * with `options.scaler`). Deterministic: the same table and options give the same data set.
 */
export function prepareTabular(table: LabelledTable, options: PrepareOptions): TabularDataset {
  const features = table.featureNames.length;
  const classes = table.classNames.length;
  if (table.x.length !== table.rows * features || table.y.length !== table.rows) {
    throw new DatasetError(
      `data set "${options.name}": ${table.rows} rows need ${table.rows * features} feature values and ${table.rows} labels, got ${table.x.length} and ${table.y.length}`,
    );
  }
  if (classes < 2) {
    throw new DatasetError(
      `data set "${options.name}" has ${classes} class${classes === 1 ? ` (${table.classNames[0]})` : 'es'}; classification needs at least 2 (is the label column right?)`,
    );
  }
  const kept = uniqueRows(table.x, table.y, table.rows, features);
  const indices = splitRows(kept, options.split);
  for (const [part, rows] of Object.entries(indices) as [string, Int32Array][]) {
    const fraction =
      part === 'test'
        ? options.split.testFraction
        : part === 'validation'
          ? options.split.valFraction
          : 1;
    if (rows.length === 0 && fraction > 0) {
      throw new DatasetError(
        `data set "${options.name}" has only ${kept.length} distinct rows: too few for a non-empty ${part} split; use more data or change --test-fraction / --val-fraction`,
      );
    }
  }
  const train = gather(table, indices.train, features);
  const validation = gather(table, indices.validation, features);
  const test = gather(table, indices.test, features);
  let scaler: Scaler;
  if (options.scaler) {
    checkScaler(options.scaler, features);
    scaler = { mean: [...options.scaler.mean], scale: [...options.scaler.scale] };
  } else {
    scaler = fitScaler(train, features);
  }
  for (const part of [train, validation, test]) applyScaler(part, scaler);
  return {
    name: options.name,
    features,
    classes,
    featureNames: [...table.featureNames],
    classNames: [...table.classNames],
    train,
    validation,
    test,
    scaler,
    split: { ...options.split },
    source: { ...options.source, rows: table.rows, duplicatesDropped: table.rows - kept.length },
  };
}
