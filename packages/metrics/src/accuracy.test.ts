import { isMachopError } from '@machop/core';
import { describe, expect, it } from 'vitest';
import { Accuracy } from './accuracy.js';
import {
  BATCH_SIZES,
  batchesOf,
  expectClose,
  referenceCases,
} from './test-support/reference-fixture.js';

describe('Accuracy', () => {
  for (const reference of referenceCases()) {
    it(`matches scikit-learn on "${reference.name}" in batches of ${BATCH_SIZES.join(', ')}`, () => {
      const accuracy = new Accuracy({ classes: reference.classes });
      accuracy.update({ scores: reference.scores, labels: reference.labels });
      const whole = accuracy.compute();
      expectClose(whole, reference.expected.accuracy);
      for (const size of BATCH_SIZES) {
        accuracy.reset();
        for (const batch of batchesOf(reference, size)) accuracy.update(batch);
        expect(accuracy.compute(), `batches of ${size}`).toBe(whole);
      }
    });
  }

  it('gives a tie for the highest score to the lowest class index', () => {
    const accuracy = new Accuracy({ classes: 3 });
    accuracy.update({
      scores: new Float32Array([0.4, 0.4, 0.2, 0.2, 0.4, 0.4]),
      labels: new Int32Array([0, 2]),
    });
    expect(accuracy.compute()).toBe(0.5);
  });

  it('refuses to compute before any row, and after reset', () => {
    const accuracy = new Accuracy({ classes: 2 });
    expect(() => accuracy.compute()).toThrow(/no rows seen/);
    accuracy.update({ scores: new Float32Array([0.9, 0.1]), labels: new Int32Array([0]) });
    expect(accuracy.compute()).toBe(1);
    accuracy.reset();
    expect(() => accuracy.compute()).toThrow(/no rows seen/);
  });

  it('rejects bad batches with one-line typed errors', () => {
    const accuracy = new Accuracy({ classes: 3 });
    const check = (batch: { scores: unknown; labels: unknown }, code: string, message: RegExp) => {
      let caught: unknown;
      try {
        accuracy.update(batch as never);
      } catch (error) {
        caught = error;
      }
      expect(isMachopError(caught)).toBe(true);
      expect((caught as { code: string }).code).toBe(code);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).not.toContain('\n');
    };
    check(
      { scores: new Float32Array(5), labels: new Int32Array(2) },
      'E_MODEL',
      /got 5 scores for 2 labels, expected 2 × 3 classes = 6/,
    );
    check(
      { scores: new Float32Array(6), labels: new Int32Array([0, 3]) },
      'E_DATASET',
      /label 3 in row 1 .* outside \[0, 3\)/,
    );
    check(
      { scores: new Float32Array(3), labels: new Int32Array([-1]) },
      'E_DATASET',
      /label -1 in row 0/,
    );
    check(
      { scores: new Float32Array([0, Number.NaN, 0]), labels: new Int32Array([0]) },
      'E_MODEL',
      /score NaN in row 0, class 1 .* not finite/,
    );
    check(
      { scores: [0.5, 0.5, 0], labels: new Int32Array([0]) },
      'E_MODEL',
      /scores must be a Float32Array, got Array/,
    );
    check(
      { scores: new Float32Array(3), labels: [0] },
      'E_DATASET',
      /labels must be an Int32Array, got Array/,
    );
    expect(() => accuracy.compute()).toThrow(/no rows seen/);
  });

  it('rejects fewer than 2 classes', () => {
    expect(() => new Accuracy({ classes: 1 })).toThrow(
      /classes must be an integer of at least 2, got 1/,
    );
    expect(() => new Accuracy({ classes: 2.5 })).toThrow(/got 2.5/);
  });
});
