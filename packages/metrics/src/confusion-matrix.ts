import { argmax } from './argmax.js';
import type { ClassOptions, Metric, ScoredBatch } from './metric.js';
import { checkBatch, checkClasses } from './validate.js';

/**
 * Counts of (true class, predicted class) pairs, where the prediction is the argmax of a row's
 * scores (a tie goes to the lowest class index). `compute()[t][p]` is the number of rows of true
 * class `t` predicted as `p`: rows are true classes, columns predictions, as in scikit-learn's
 * `confusion_matrix`.
 *
 * @example
 * const matrix = new ConfusionMatrix({ classes: 2 });
 * matrix.update({ scores: new Float32Array([0.9, 0.1, 0.4, 0.6]), labels: new Int32Array([1, 1]) });
 * matrix.compute(); // [[0, 0], [1, 1]]
 */
export class ConfusionMatrix implements Metric<ScoredBatch, number[][]> {
  readonly classes: number;
  private readonly counts: Float64Array;

  constructor(options: ClassOptions) {
    this.classes = checkClasses(options.classes, 'confusion matrix');
    this.counts = new Float64Array(this.classes * this.classes);
  }

  update(batch: ScoredBatch): void {
    const size = checkBatch(batch, this.classes, 'confusion matrix');
    const { scores, labels } = batch;
    const classes = this.classes;
    for (let row = 0; row < size; row++) {
      this.counts[labels[row] * classes + argmax(scores, row * classes, classes)]++;
    }
  }

  /** A new `classes × classes` array of counts; all zeros before any row. */
  compute(): number[][] {
    const rows: number[][] = [];
    for (let actual = 0; actual < this.classes; actual++) {
      rows.push(
        Array.from(this.counts.subarray(actual * this.classes, (actual + 1) * this.classes)),
      );
    }
    return rows;
  }

  reset(): void {
    this.counts.fill(0);
  }
}
