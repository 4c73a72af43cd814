import { describe, expect, it } from 'vitest';
import { ConfusionMatrix } from './confusion-matrix.js';
import { PrecisionRecallF1 } from './precision-recall-f1.js';
import {
  BATCH_SIZES,
  batchesOf,
  expectClose,
  referenceCases,
} from './test-support/reference-fixture.js';

describe('ConfusionMatrix and PrecisionRecallF1', () => {
  for (const reference of referenceCases()) {
    it(`match scikit-learn on "${reference.name}" (zero_division=0, all classes) in any batch size`, () => {
      const matrix = new ConfusionMatrix({ classes: reference.classes });
      const scores = new PrecisionRecallF1({ classes: reference.classes });
      matrix.update(reference);
      scores.update(reference);
      const whole = { matrix: matrix.compute(), scores: scores.compute() };
      expect(whole.matrix).toEqual(reference.expected.confusionMatrix);
      expect(whole.scores.support).toEqual(reference.expected.support);
      for (const key of ['precision', 'recall', 'f1'] as const) {
        expectClose(whole.scores[key], reference.expected[key], key);
        expectClose(whole.scores.macro[key], reference.expected.macro[key], `macro ${key}`);
      }
      for (const size of BATCH_SIZES) {
        matrix.reset();
        scores.reset();
        for (const batch of batchesOf(reference, size)) {
          matrix.update(batch);
          scores.update(batch);
        }
        expect(
          { matrix: matrix.compute(), scores: scores.compute() },
          `batches of ${size}`,
        ).toEqual(whole);
      }
    });
  }

  it('puts true classes in rows and predictions in columns', () => {
    const matrix = new ConfusionMatrix({ classes: 3 });
    matrix.update({
      scores: new Float32Array([0.1, 0.2, 0.7, 0.1, 0.2, 0.7]),
      labels: new Int32Array([0, 0]),
    });
    expect(matrix.compute()).toEqual([
      [0, 0, 2],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('gives 0, not NaN, for a class never predicted and a class with no rows', () => {
    const scores = new PrecisionRecallF1({ classes: 3 });
    // Class 1 is a label but never predicted; class 2 is predicted but never a label.
    scores.update({
      scores: new Float32Array([0.8, 0.1, 0.1, 0.1, 0.2, 0.7]),
      labels: new Int32Array([0, 1]),
    });
    const result = scores.compute();
    expect(result.precision).toEqual([1, 0, 0]);
    expect(result.recall).toEqual([1, 0, 0]);
    expect(result.f1).toEqual([1, 0, 0]);
    expect(result.support).toEqual([1, 1, 0]);
    expect(result.macro.f1).toBeCloseTo(1 / 3, 15);
  });
});
