import type { ClassOptions, Metric, ScoredBatch } from './metric.js';
import { checkBatch, checkClasses } from './validate.js';

/** One-vs-rest ROC AUC of each class and their mean. */
export interface RocAucResult {
  /** Per class; null when the class has no rows or every row is of that class. */
  perClass: (number | null)[];
  /** Mean over the classes whose AUC is defined; null when none is. */
  macro: number | null;
}

/**
 * Exact area under the ROC curve of one set of scores, given the positives' and the negatives'
 * scores each sorted ascending: the probability that a random positive outscores a random
 * negative, a tie counting one half. This is the Mann–Whitney U statistic over P·N, which equals
 * the trapezoidal area under the ROC curve whose points are the distinct thresholds, as
 * scikit-learn's `roc_auc_score` computes it.
 */
export function aucOfSorted(positives: Float32Array, negatives: Float32Array): number {
  const count = negatives.length;
  let below = 0;
  let belowOrEqual = 0;
  let wins = 0;
  for (let index = 0; index < positives.length; index++) {
    const score = positives[index];
    while (below < count && negatives[below] < score) below++;
    if (belowOrEqual < below) belowOrEqual = below;
    while (belowOrEqual < count && negatives[belowOrEqual] <= score) belowOrEqual++;
    wins += below + (belowOrEqual - below) / 2;
  }
  return wins / (positives.length * count);
}

/**
 * One-vs-rest ROC AUC per class: class `c`'s AUC ranks all rows by `scores[row][c]`, rows of
 * class `c` being the positives. It is exact (not binned): every score is kept until
 * {@link RocAuc.reset}, 4 bytes per score plus 4 per row, and `compute()` sorts each class's
 * scores. Ties count one half, as in scikit-learn's `roc_auc_score`.
 *
 * A class with no rows, or with every row, has no negatives or no positives, so its AUC is
 * undefined: it is `null`, and the macro mean runs over the other classes (this differs from
 * scikit-learn's `multi_class="ovr"`, which refuses such data).
 *
 * @example
 * const auc = new RocAuc({ classes: 5 });
 * auc.update({ scores, labels });
 * auc.compute(); // { perClass: [0.91, ...], macro: 0.9 }
 */
export class RocAuc implements Metric<ScoredBatch, RocAucResult> {
  readonly classes: number;
  private scores = new Float32Array(0);
  private labels = new Int32Array(0);
  private rows = 0;
  private readonly positives: Float64Array;

  constructor(options: ClassOptions) {
    this.classes = checkClasses(options.classes, 'ROC AUC');
    this.positives = new Float64Array(this.classes);
  }

  update(batch: ScoredBatch): void {
    const size = checkBatch(batch, this.classes, 'ROC AUC');
    this.reserve(this.rows + size);
    this.scores.set(batch.scores, this.rows * this.classes);
    this.labels.set(batch.labels, this.rows);
    for (let row = 0; row < size; row++) this.positives[batch.labels[row]]++;
    this.rows += size;
  }

  compute(): RocAucResult {
    const { classes, rows } = this;
    const perClass: (number | null)[] = [];
    // One buffer for every class: positives at the front, negatives behind them.
    const buffer = new Float32Array(rows);
    for (let target = 0; target < classes; target++) {
      const positiveCount = this.positives[target];
      if (positiveCount === 0 || positiveCount === rows) {
        perClass.push(null);
        continue;
      }
      let positive = 0;
      let negative = positiveCount;
      for (let row = 0; row < rows; row++) {
        const score = this.scores[row * classes + target];
        if (this.labels[row] === target) buffer[positive++] = score;
        else buffer[negative++] = score;
      }
      const positives = buffer.subarray(0, positiveCount).sort();
      const negatives = buffer.subarray(positiveCount, rows).sort();
      perClass.push(aucOfSorted(positives, negatives));
    }
    const defined = perClass.filter((value): value is number => value !== null);
    const macro =
      defined.length > 0 ? defined.reduce((sum, value) => sum + value, 0) / defined.length : null;
    return { perClass, macro };
  }

  reset(): void {
    // The buffers stay allocated: the next epoch will fill them to about the same size.
    this.rows = 0;
    this.positives.fill(0);
  }

  /** Rows seen since the last reset. */
  get count(): number {
    return this.rows;
  }

  private reserve(rows: number): void {
    if (rows <= this.labels.length) return;
    const capacity = Math.max(rows, this.labels.length * 2, 1024);
    const scores = new Float32Array(capacity * this.classes);
    scores.set(this.scores.subarray(0, this.rows * this.classes));
    const labels = new Int32Array(capacity);
    labels.set(this.labels.subarray(0, this.rows));
    this.scores = scores;
    this.labels = labels;
  }
}
