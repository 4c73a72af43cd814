/**
 * Test support (not exported by the package): the scikit-learn reference cases written by
 * fixtures/make_fixtures.py, and helpers to feed them in batches and compare within a tolerance.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { ScoredBatch } from '../metric.js';

/** Values scikit-learn computed for one case (see fixtures/make_fixtures.py). */
export interface ReferenceValues {
  loss: number;
  accuracy: number;
  topK?: Record<string, number>;
  confusionMatrix: number[][];
  support: number[];
  precision: number[];
  recall: number[];
  f1: number[];
  macro: { precision: number; recall: number; f1: number };
  auc: (number | null)[];
  macroAuc: number | null;
}

/** One reference case with its inputs as the trainer would pass them. */
export interface ReferenceCase {
  name: string;
  classes: number;
  scores: Float32Array;
  labels: Int32Array;
  expected: ReferenceValues;
}

/** Batch sizes every metric is fed in; `Infinity` means all rows in one batch. */
export const BATCH_SIZES = [1, 7, 64, Infinity] as const;

/** Largest difference allowed from scikit-learn's value (inputs are float32). */
export const TOLERANCE = 1e-6;

interface RawCase {
  name: string;
  classes: number;
  scores: number[];
  labels: number[];
  expected: ReferenceValues;
}

/** Every case of fixtures/classification.json. */
export function referenceCases(): ReferenceCase[] {
  const file = new URL('../../fixtures/classification.json', import.meta.url);
  const fixture = JSON.parse(readFileSync(file, 'utf8')) as { cases: RawCase[] };
  return fixture.cases.map((raw) => ({
    name: raw.name,
    classes: raw.classes,
    scores: Float32Array.from(raw.scores),
    labels: Int32Array.from(raw.labels),
    expected: raw.expected,
  }));
}

/** The case's rows in consecutive batches of `size` rows (views, not copies). */
export function batchesOf(
  reference: Pick<ReferenceCase, 'scores' | 'labels' | 'classes'>,
  size: number,
): ScoredBatch[] {
  const batches: ScoredBatch[] = [];
  const rows = reference.labels.length;
  const step = Math.min(size, rows);
  for (let start = 0; start < rows; start += step) {
    const end = Math.min(start + step, rows);
    batches.push({
      scores: reference.scores.subarray(start * reference.classes, end * reference.classes),
      labels: reference.labels.subarray(start, end),
    });
  }
  return batches;
}

/** Expect `actual` within {@link TOLERANCE} of `expected`, element-wise for arrays; nulls must match. */
export function expectClose(
  actual: number | null | undefined | readonly (number | null)[],
  expected: number | null | readonly (number | null)[],
  label = '',
): void {
  if (Array.isArray(expected)) {
    const values = actual as readonly (number | null)[];
    expect(values, label).toHaveLength(expected.length);
    expected.forEach((value: number | null, index: number) =>
      expectClose(values[index], value, `${label}[${index}]`),
    );
    return;
  }
  if (expected === null) {
    expect(actual, label).toBeNull();
    return;
  }
  expect(typeof actual, label).toBe('number');
  expect(
    Math.abs((actual as number) - (expected as number)),
    `${label}: ${String(actual)} vs ${String(expected)}`,
  ).toBeLessThanOrEqual(TOLERANCE);
}
