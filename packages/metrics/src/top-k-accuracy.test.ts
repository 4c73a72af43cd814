import { describe, expect, it } from 'vitest';
import { Accuracy } from './accuracy.js';
import {
  BATCH_SIZES,
  batchesOf,
  expectClose,
  referenceCases,
} from './test-support/reference-fixture.js';
import { TopKAccuracy } from './top-k-accuracy.js';

describe('TopKAccuracy', () => {
  for (const reference of referenceCases().filter((candidate) => candidate.expected.topK)) {
    for (const [k, expected] of Object.entries(reference.expected.topK!)) {
      it(`matches scikit-learn's top_k_accuracy_score for k=${k} on "${reference.name}" in any batch size`, () => {
        const topK = new TopKAccuracy({ classes: reference.classes, k: Number(k) });
        topK.update({ scores: reference.scores, labels: reference.labels });
        const whole = topK.compute();
        expectClose(whole, expected);
        for (const size of BATCH_SIZES) {
          topK.reset();
          for (const batch of batchesOf(reference, size)) topK.update(batch);
          expect(topK.compute(), `batches of ${size}`).toBe(whole);
        }
      });
    }
  }

  it('breaks ties toward the higher class index, so top-1 differs from argmax accuracy on tied rows', () => {
    const ties = referenceCases().find((candidate) => candidate.name === 'ties')!;
    const top1 = new TopKAccuracy({ classes: ties.classes, k: 1 });
    const accuracy = new Accuracy({ classes: ties.classes });
    top1.update(ties);
    accuracy.update(ties);
    expect(top1.compute()).toBeLessThan(accuracy.compute());

    const row = { scores: new Float32Array([0.4, 0.4, 0.2]), labels: new Int32Array([0]) };
    const tiny = new TopKAccuracy({ classes: 3, k: 1 });
    tiny.update(row);
    expect(tiny.compute()).toBe(0);
    const pair = new TopKAccuracy({ classes: 3, k: 2 });
    pair.update(row);
    expect(pair.compute()).toBe(1);
  });

  it('agrees with accuracy for k=1 when no row has a tie', () => {
    const random = referenceCases().find((candidate) => candidate.name === 'random')!;
    const top1 = new TopKAccuracy({ classes: random.classes, k: 1 });
    const accuracy = new Accuracy({ classes: random.classes });
    top1.update(random);
    accuracy.update(random);
    expect(top1.compute()).toBe(accuracy.compute());
  });

  it('rejects a k outside 1..classes', () => {
    expect(() => new TopKAccuracy({ classes: 5, k: 6 })).toThrow(
      /k must be an integer from 1 to the 5 classes, got 6/,
    );
    expect(() => new TopKAccuracy({ classes: 5, k: 0 })).toThrow(/got 0/);
    const all = new TopKAccuracy({ classes: 5, k: 5 });
    all.update({ scores: new Float32Array(10), labels: new Int32Array([4, 0]) });
    expect(all.compute()).toBe(1);
  });
});
