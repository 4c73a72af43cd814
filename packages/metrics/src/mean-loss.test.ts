import { describe, expect, it } from 'vitest';
import { MeanLoss } from './mean-loss.js';
import {
  BATCH_SIZES,
  batchesOf,
  expectClose,
  referenceCases,
} from './test-support/reference-fixture.js';

/** Cross-entropy of each row from its probabilities, as the trainer's batches carry it (averaged). */
function batchLoss(scores: Float32Array, labels: Int32Array, classes: number): number {
  let sum = 0;
  for (let row = 0; row < labels.length; row++)
    sum -= Math.log(scores[row * classes + labels[row]]);
  return sum / labels.length;
}

describe('MeanLoss', () => {
  for (const reference of referenceCases()) {
    it(`weights batch means by size to scikit-learn's log_loss on "${reference.name}"`, () => {
      const loss = new MeanLoss();
      const results = BATCH_SIZES.map((size) => {
        loss.reset();
        for (const batch of batchesOf(reference, size))
          loss.update({
            loss: batchLoss(batch.scores, batch.labels, reference.classes),
            size: batch.labels.length,
          });
        expect(loss.count).toBe(reference.labels.length);
        return loss.compute();
      });
      for (const value of results) {
        expectClose(value, reference.expected.loss);
        // The batch means are rounded differently, but the compensated sum keeps the mean stable.
        expect(Math.abs(value - results[results.length - 1])).toBeLessThan(1e-13 * Math.abs(value));
      }
    });
  }

  it('weights a short last batch by its size', () => {
    const loss = new MeanLoss();
    loss.update({ loss: 1, size: 3 });
    loss.update({ loss: 3, size: 1 });
    loss.update({ loss: 100, size: 0 });
    expect(loss.compute()).toBe(1.5);
  });

  it('rejects a non-finite loss and a bad size, and has no value before any row', () => {
    const loss = new MeanLoss();
    expect(() => loss.compute()).toThrow(/no rows seen/);
    expect(() => loss.update({ loss: Number.NaN, size: 4 })).toThrow(
      /must be a finite number, got NaN/,
    );
    expect(() => loss.update({ loss: 0.5, size: 2.5 })).toThrow(/non-negative integer, got 2.5/);
    expect(() => loss.compute()).toThrow(/no rows seen/);
  });
});
