import type { Split } from '@machop/core';
import type { Engine } from './engine.js';

/** Loss and accuracy over a whole split. */
export interface Evaluation {
  /** Mean softmax cross-entropy. */
  loss: number;
  accuracy: number;
  size: number;
}

/** One evaluated batch: logits, class probabilities, labels and per-row losses. */
export interface EvaluatedBatch {
  /** `size * classes` logits as the engine computed them, row-major. */
  logits: Float32Array;
  /** `size * classes` softmax probabilities, row-major. */
  scores: Float32Array;
  labels: Int32Array;
  /** Mean loss of the batch. */
  loss: number;
  size: number;
}

/**
 * Rows per batch of a validation or test pass: at least this many, whatever the training batch
 * size, so that the fused engine splits each batch over two threads (it splits from 512 rows)
 * and meets its worker seldom. The results do not depend on it: rows are independent in
 * inference, and {@link evaluateSplit} sums the loss row by row.
 */
export const EVALUATION_BATCH_ROWS = 4096;

/** The batch size of a validation pass in a run trained in batches of `trainingBatchSize`. */
export function evaluationBatchSize(trainingBatchSize: number): number {
  return Math.max(trainingBatchSize, EVALUATION_BATCH_ROWS);
}

/**
 * Run `engine` over `split` in order, in batches of `batchSize` rows viewed (not copied) from the
 * split, and compute the loss and accuracy on the host from the logits. `onBatch` sees each
 * batch's logits and probabilities (views, valid until it returns), for metrics beyond accuracy. The loss is summed row by row in float64,
 * so the batch size does not change the result when the engine's logits do not depend on it.
 */
export function evaluateSplit(
  engine: Pick<Engine, 'features' | 'classes' | 'evaluate'>,
  split: Split,
  batchSize: number,
  onBatch?: (batch: EvaluatedBatch) => void,
): Evaluation {
  const { features, classes } = engine;
  // A batch never holds more than the split: a huge batch size must not allocate huge buffers.
  batchSize = Math.max(1, Math.min(batchSize, split.size));
  const logits = new Float32Array(batchSize * classes);
  const scores = new Float32Array(batchSize * classes);
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < split.size; start += batchSize) {
    const size = Math.min(batchSize, split.size - start);
    engine.evaluate(split.x.subarray(start * features, (start + size) * features), size, logits);
    let batchLoss = 0;
    for (let row = 0; row < size; row++) {
      const offset = row * classes;
      let best = 0;
      for (let column = 1; column < classes; column++)
        if (logits[offset + column] > logits[offset + best]) best = column;
      const max = logits[offset + best];
      let total = 0;
      for (let column = 0; column < classes; column++) {
        const exponent = Math.exp(logits[offset + column] - max);
        scores[offset + column] = exponent;
        total += exponent;
      }
      for (let column = 0; column < classes; column++) scores[offset + column] /= total;
      const label = split.y[start + row];
      const rowLoss = max + Math.log(total) - logits[offset + label];
      batchLoss += rowLoss;
      lossSum += rowLoss;
      if (best === label) correct++;
    }
    onBatch?.({
      logits: logits.subarray(0, size * classes),
      scores: scores.subarray(0, size * classes),
      labels: split.y.subarray(start, start + size),
      loss: batchLoss / size,
      size,
    });
  }
  return {
    loss: split.size > 0 ? lossSum / split.size : Number.NaN,
    accuracy: split.size > 0 ? correct / split.size : Number.NaN,
    size: split.size,
  };
}
