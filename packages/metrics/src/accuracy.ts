import { argmax } from './argmax.js';
import type { ClassOptions, Metric, ScoredBatch } from './metric.js';
import { checkBatch, checkClasses, noRowsError } from './validate.js';

/**
 * Fraction of rows whose highest score is the true class. A tie for the highest score goes to
 * the lowest class index, as numpy's and torch's argmax (and so scikit-learn's
 * `accuracy_score(y, scores.argmax(1))`) do.
 *
 * @example
 * const accuracy = new Accuracy({ classes: 3 });
 * accuracy.update({ scores: new Float32Array([0.7, 0.2, 0.1, 0.1, 0.3, 0.6]), labels: new Int32Array([0, 1]) });
 * accuracy.compute(); // 0.5
 */
export class Accuracy implements Metric<ScoredBatch, number> {
  readonly classes: number;
  private correct = 0;
  private rows = 0;

  constructor(options: ClassOptions) {
    this.classes = checkClasses(options.classes, 'accuracy');
  }

  update(batch: ScoredBatch): void {
    const size = checkBatch(batch, this.classes, 'accuracy');
    const { scores, labels } = batch;
    for (let row = 0; row < size; row++) {
      if (argmax(scores, row * this.classes, this.classes) === labels[row]) this.correct++;
    }
    this.rows += size;
  }

  /** Accuracy in [0, 1]. Throws when no row was seen. */
  compute(): number {
    if (this.rows === 0) throw noRowsError('accuracy');
    return this.correct / this.rows;
  }

  reset(): void {
    this.correct = 0;
    this.rows = 0;
  }
}
