/**
 * SYNTHETIC rows in the schema of the JSC data set (OpenML 42468): 16 numeric features and a
 * class in g, q, t, w, z. The numbers are drawn from per-class Gaussians so that classes are
 * learnable; they are not real jets. Used by tests, the fixture file and the benchmarks (exported as @machop/datasets/testing).
 */
import { createRandom, mixSeed } from '@machop/core';
import { JSC_FEATURES } from '../jsc/schema.js';

/** Labels in the order OpenML declares them. */
export const OPENML_CLASS_ORDER = ['g', 'q', 't', 'w', 'z'];

/** How to write the synthetic ARFF. */
export interface SyntheticArffOptions {
  rows: number;
  seed: number;
  /** Extra copies of earlier rows, appended at the end (JSC has duplicates too). */
  duplicates?: number;
  lineEnd?: '\n' | '\r\n';
  /** Write labels as `'g'` rather than `g`. */
  quoteLabels?: boolean;
  /** Write `@attribute` rather than `@ATTRIBUTE`, and so on. */
  lowerCaseKeywords?: boolean;
  /** Name of the class attribute (OpenML: `class`). */
  target?: string;
}

/**
 * The data rows (without line ends) of a synthetic JSC file, one at a time, so that a file of
 * the real data set's size (830k rows) can be streamed.
 */
export function* syntheticJscLines(
  rows: number,
  seed: number,
  quoteLabels = false,
): Generator<string, void, undefined> {
  const random = createRandom(mixSeed(seed, 0x15c));
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = OPENML_CLASS_ORDER.map(() => JSC_FEATURES.map(() => normal()));
  for (let row = 0; row < rows; row++) {
    const label = row % OPENML_CLASS_ORDER.length;
    const values = JSC_FEATURES.map((name, feature) => {
      const value = centres[label][feature] + 0.8 * normal();
      // j_multiplicity counts particles, so it is a whole number like in the real data.
      return name === 'j_multiplicity'
        ? `${Math.max(1, Math.round(30 + 10 * value))}.0`
        : String(Math.fround(value));
    });
    const name = OPENML_CLASS_ORDER[label];
    yield `${values.join(',')},${quoteLabels ? `'${name}'` : name}`;
  }
}

/** The data rows (without line ends) of a synthetic JSC file. */
export function syntheticJscRows(rows: number, seed: number, quoteLabels = false): string[] {
  return [...syntheticJscLines(rows, seed, quoteLabels)];
}

/** How the header of a synthetic ARFF is spelled. */
export type SyntheticHeaderOptions = Pick<
  SyntheticArffOptions,
  'quoteLabels' | 'lowerCaseKeywords' | 'target'
>;

/** The header lines of a synthetic JSC ARFF, from `@RELATION` to `@DATA` (no comments). */
export function syntheticJscHeader(options: SyntheticHeaderOptions = {}): string[] {
  const keyword = (word: string) => (options.lowerCaseKeywords ? word.toLowerCase() : word);
  const classes = OPENML_CLASS_ORDER.map((name) => (options.quoteLabels ? `'${name}'` : name)).join(
    ',',
  );
  return [
    `${keyword('@RELATION')} hls4ml_lhc_jets_hlf`,
    '',
    ...JSC_FEATURES.map((name) => `${keyword('@ATTRIBUTE')} ${name} ${keyword('NUMERIC')}`),
    `${keyword('@ATTRIBUTE')} ${options.target ?? 'class'} {${classes}}`,
    '',
    keyword('@DATA'),
  ];
}

/** A synthetic JSC file in OpenML's ARFF layout. */
export function syntheticJscArff(options: SyntheticArffOptions): string {
  const rows = syntheticJscRows(options.rows, options.seed, options.quoteLabels);
  for (let copy = 0; copy < (options.duplicates ?? 0); copy++)
    rows.push(rows[(copy * 7) % options.rows]);
  return [
    `% SYNTHETIC DATA in the schema of OpenML data set 42468 (hls4ml_lhc_jets_hlf): not real jets.`,
    `% ${options.rows} rows from per-class Gaussians (seed ${options.seed}), plus ${options.duplicates ?? 0} duplicated rows.`,
    ...syntheticJscHeader(options),
    ...rows,
    '',
  ].join(options.lineEnd ?? '\n');
}
