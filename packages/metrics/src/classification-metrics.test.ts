import { describe, expect, it } from 'vitest';
import { ClassificationMetrics, type ClassificationResult } from './classification-metrics.js';
import {
  BATCH_SIZES,
  batchesOf,
  expectClose,
  referenceCases,
  type ReferenceCase,
} from './test-support/reference-fixture.js';

function batchLoss(scores: Float32Array, labels: Int32Array, classes: number): number {
  let sum = 0;
  for (let row = 0; row < labels.length; row++)
    sum -= Math.log(scores[row * classes + labels[row]]);
  return sum / labels.length;
}

/** Feed `reference` in batches of `size` through one reused buffer, as the trainer does. */
function feed(
  metrics: ClassificationMetrics,
  reference: ReferenceCase,
  size: number,
): ClassificationResult {
  metrics.reset();
  const buffer = new Float32Array(Math.min(size, reference.labels.length) * reference.classes);
  for (const batch of batchesOf(reference, size)) {
    buffer.set(batch.scores);
    const scores = buffer.subarray(0, batch.scores.length);
    metrics.update({
      scores,
      labels: batch.labels,
      loss: batchLoss(scores, batch.labels, reference.classes),
    });
  }
  return metrics.compute();
}

describe('ClassificationMetrics', () => {
  for (const reference of referenceCases()) {
    it(`gives scikit-learn's values on "${reference.name}", identical for batches of ${BATCH_SIZES.join(', ')}`, () => {
      const topK = reference.expected.topK ? 2 : undefined;
      const metrics = new ClassificationMetrics({ classes: reference.classes, topK });
      const [whole, ...batched] = [Infinity, ...BATCH_SIZES].map((size) =>
        feed(metrics, reference, size),
      );
      const { expected } = reference;
      expect(whole.size).toBe(reference.labels.length);
      expectClose(whole.loss, expected.loss, 'loss');
      expectClose(whole.accuracy, expected.accuracy, 'accuracy');
      if (topK) expect(whole.topK?.k).toBe(2);
      if (topK) expectClose(whole.topK?.accuracy, expected.topK!['2'], 'top-2');
      else expect(whole.topK).toBeUndefined();
      expect(whole.confusionMatrix).toEqual(expected.confusionMatrix);
      expect(whole.support).toEqual(expected.support);
      for (const key of ['precision', 'recall', 'f1'] as const) {
        expectClose(whole[key], expected[key], key);
        expectClose(whole.macro[key], expected.macro[key], `macro ${key}`);
      }
      expectClose(whole.auc, expected.auc, 'auc');
      expectClose(whole.macroAuc ?? null, expected.macroAuc, 'macroAuc');
      for (const [index, result] of batched.entries()) {
        const { loss, ...rest } = result;
        const { loss: wholeLoss, ...wholeRest } = whole;
        expect(rest, `batches of ${BATCH_SIZES[index]}`).toEqual(wholeRest);
        expect(Math.abs(loss! - wholeLoss!)).toBeLessThan(1e-13 * wholeLoss!);
      }
    });
  }

  it('is a JSON record: undefined AUCs are null and survive a round trip', () => {
    const missing = referenceCases().find((candidate) => candidate.name === 'missing-classes')!;
    const metrics = new ClassificationMetrics({ classes: missing.classes, topK: 3 });
    metrics.update(missing);
    const result = metrics.compute();
    expect(result.auc?.slice(4)).toEqual([null, null]);
    expect(result.loss).toBeUndefined();
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('leaves out AUC when asked to', () => {
    const random = referenceCases()[0];
    const metrics = new ClassificationMetrics({ classes: random.classes, auc: false });
    metrics.update(random);
    const result = metrics.compute();
    expect('auc' in result).toBe(false);
    expect('macroAuc' in result).toBe(false);
  });

  it('refuses batches that mix with and without loss, and leaves its state unchanged on a bad batch', () => {
    const metrics = new ClassificationMetrics({ classes: 2 });
    const batch = {
      scores: new Float32Array([0.9, 0.1, 0.3, 0.7]),
      labels: new Int32Array([0, 0]),
    };
    metrics.update({ ...batch, loss: 0.5 });
    const before = metrics.compute();
    expect(() => metrics.update(batch)).toThrow(
      /this batch has no loss but earlier batches had one/,
    );
    expect(() => metrics.update({ ...batch, loss: Number.NaN })).toThrow(/finite number, got NaN/);
    expect(() =>
      metrics.update({ scores: batch.scores, labels: new Int32Array([0, 2]), loss: 0.5 }),
    ).toThrow(/label 2 in row 1/);
    expect(metrics.compute()).toEqual(before);
    expect(metrics.count).toBe(2);
  });

  it('starts afresh after reset, loss mode included', () => {
    const metrics = new ClassificationMetrics({ classes: 2 });
    metrics.update({
      scores: new Float32Array([0.9, 0.1]),
      labels: new Int32Array([0]),
      loss: 0.1,
    });
    metrics.reset();
    expect(() => metrics.compute()).toThrow(/no rows seen/);
    metrics.update({ scores: new Float32Array([0.2, 0.8]), labels: new Int32Array([0]) });
    expect(metrics.compute()).toMatchObject({
      size: 1,
      accuracy: 0,
      confusionMatrix: [
        [0, 1],
        [0, 0],
      ],
    });
  });
});
