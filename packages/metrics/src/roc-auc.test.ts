import { createRandom } from '@machop/core';
import { describe, expect, it } from 'vitest';
import {
  BATCH_SIZES,
  batchesOf,
  expectClose,
  referenceCases,
} from './test-support/reference-fixture.js';
import { RocAuc, aucOfSorted } from './roc-auc.js';

/** AUC by counting every (positive, negative) pair: the definition, O(P·N). */
function pairCountAuc(scores: Float32Array, positive: readonly boolean[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!positive[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (positive[j]) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

/** AUC by the Mann–Whitney rank sum with average ranks for ties. */
function rankSumAuc(scores: Float32Array, positive: Uint8Array): number {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let positives = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end < order.length && scores[order[end]] === scores[order[start]]) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let index = start; index < end; index++) {
      if (positive[order[index]]) {
        rankSum += averageRank;
        positives++;
      }
    }
    start = end;
  }
  const negatives = scores.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

describe('RocAuc', () => {
  for (const reference of referenceCases()) {
    it(`matches scikit-learn's roc_auc_score per class on "${reference.name}" in any batch size`, () => {
      const auc = new RocAuc({ classes: reference.classes });
      auc.update(reference);
      const whole = auc.compute();
      expectClose(whole.perClass, reference.expected.auc, 'auc');
      expectClose(whole.macro, reference.expected.macroAuc, 'macro');
      for (const size of BATCH_SIZES) {
        auc.reset();
        for (const batch of batchesOf(reference, size)) auc.update(batch);
        expect(auc.compute(), `batches of ${size}`).toEqual(whole);
      }
    });
  }

  it('counts a tied positive and negative as half a win', () => {
    expect(aucOfSorted(new Float32Array([0.5]), new Float32Array([0.5]))).toBe(0.5);
    expect(
      aucOfSorted(new Float32Array([0.2, 0.5, 0.5, 0.9]), new Float32Array([0.1, 0.5, 0.5, 0.5])),
    ).toBe((1 + 2.5 + 2.5 + 4) / 16);
  });

  it('equals the pair count on small data with heavy ties', () => {
    const random = createRandom(7);
    for (let trial = 0; trial < 20; trial++) {
      const size = 20 + Math.floor(random() * 200);
      const scores = Float32Array.from({ length: size }, () => Math.floor(random() * 6) / 5);
      const positive = Array.from({ length: size }, () => random() < 0.3);
      if (!positive.some(Boolean) || positive.every(Boolean)) continue;
      const sorted = {
        positives: scores.filter((_, index) => positive[index]).sort(),
        negatives: scores.filter((_, index) => !positive[index]).sort(),
      };
      expect(aucOfSorted(sorted.positives, sorted.negatives)).toBeCloseTo(
        pairCountAuc(scores, positive),
        12,
      );
    }
  });

  it('equals the average-rank formula on a test-set-sized split (170k rows, 5 classes)', () => {
    const classes = 5;
    const rows = 170_000;
    const random = createRandom(11);
    const labels = Int32Array.from({ length: rows }, () => Math.floor(random() * classes));
    // Scores on a coarse grid so that ties are common, and informative about the label.
    const scores = Float32Array.from(
      { length: rows * classes },
      (_, index) =>
        Math.round(
          (random() + (labels[Math.floor(index / classes)] === index % classes ? 0.3 : 0)) * 1000,
        ) / 1000,
    );
    const auc = new RocAuc({ classes });
    for (const batch of batchesOf({ scores, labels, classes }, 4096)) auc.update(batch);
    const result = auc.compute();
    for (const target of [0, 3]) {
      const column = Float32Array.from(
        { length: rows },
        (_, row) => scores[row * classes + target],
      );
      const positive = Uint8Array.from(labels, (label) => Number(label === target));
      expect(result.perClass[target]).toBeCloseTo(rankSumAuc(column, positive), 12);
    }
  });

  it('gives null for a class with no rows or only rows, and averages the others', () => {
    const auc = new RocAuc({ classes: 3 });
    // Every row is class 0: classes 0 (no negatives), 1 and 2 (no positives) are all undefined.
    auc.update({
      scores: new Float32Array([0.9, 0.05, 0.05, 0.2, 0.3, 0.5]),
      labels: new Int32Array([0, 0]),
    });
    expect(auc.compute()).toEqual({ perClass: [null, null, null], macro: null });
    auc.update({ scores: new Float32Array([0.1, 0.8, 0.1]), labels: new Int32Array([1]) });
    expect(auc.compute()).toEqual({ perClass: [1, 1, null], macro: 1 });
  });

  it('keeps its own copy of the scores, so the caller may reuse its buffer', () => {
    const reference = referenceCases()[0];
    const direct = new RocAuc({ classes: reference.classes });
    direct.update(reference);
    const reused = new RocAuc({ classes: reference.classes });
    const buffer = new Float32Array(64 * reference.classes);
    for (const batch of batchesOf(reference, 64)) {
      buffer.set(batch.scores);
      reused.update({ scores: buffer.subarray(0, batch.scores.length), labels: batch.labels });
    }
    buffer.fill(0);
    expect(reused.compute()).toEqual(direct.compute());
  });
});
