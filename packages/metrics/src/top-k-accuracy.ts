import type { ClassOptions, Metric, ScoredBatch } from './metric.js';
import { checkBatch, checkClasses, checkTopK, noRowsError } from './validate.js';

/** Options of {@link TopKAccuracy}. */
export interface TopKOptions extends ClassOptions {
  /** How many of the highest-scored classes count as a hit, from 1 to `classes`. */
  k: number;
}

/**
 * Fraction of rows whose true class is among the `k` classes with the highest scores.
 *
 * Ties are broken as scikit-learn's `top_k_accuracy_score` breaks them: among equal scores the
 * higher class index ranks first. So the true class `c` of a row is a hit when fewer than `k`
 * classes score strictly higher than `c` or score the same as `c` with a higher index. A
 * consequence: with exact ties, top-1 accuracy can differ from {@link Accuracy}, which gives a
 * tie to the lowest index (as argmax does). Without ties they agree.
 *
 * @example
 * const top2 = new TopKAccuracy({ classes: 5, k: 2 });
 */
export class TopKAccuracy implements Metric<ScoredBatch, number> {
  readonly classes: number;
  readonly k: number;
  private hits = 0;
  private rows = 0;

  constructor(options: TopKOptions) {
    this.classes = checkClasses(options.classes, 'top-k accuracy');
    this.k = checkTopK(options.k, this.classes, 'top-k accuracy');
  }

  update(batch: ScoredBatch): void {
    const size = checkBatch(batch, this.classes, 'top-k accuracy');
    const { scores, labels } = batch;
    const classes = this.classes;
    for (let row = 0; row < size; row++) {
      const offset = row * classes;
      const label = labels[row];
      const score = scores[offset + label];
      // Rank of the true class without sorting the row: classes that come before it.
      let ahead = 0;
      for (let column = 0; column < classes; column++) {
        const other = scores[offset + column];
        if (other > score || (other === score && column > label)) ahead++;
      }
      if (ahead < this.k) this.hits++;
    }
    this.rows += size;
  }

  /** Top-k accuracy in [0, 1]. Throws when no row was seen. */
  compute(): number {
    if (this.rows === 0) throw noRowsError('top-k accuracy');
    return this.hits / this.rows;
  }

  reset(): void {
    this.hits = 0;
    this.rows = 0;
  }
}
