import { ConfusionMatrix } from './confusion-matrix.js';
import type { ClassOptions, Metric, ScoredBatch } from './metric.js';

/** Precision, recall and F1 of each class and their unweighted (macro) means. */
export interface PrecisionRecallF1Result {
  /** Per class: true positives / rows predicted as the class; 0 when none was predicted. */
  precision: number[];
  /** Per class: true positives / rows of the class; 0 when the class has no rows. */
  recall: number[];
  /** Per class: harmonic mean of precision and recall, 2·TP / (2·TP + FP + FN); 0 when both are 0. */
  f1: number[];
  /** Per class: number of rows whose true class it is. */
  support: number[];
  /** Unweighted means over all classes, those without rows or predictions included (as 0). */
  macro: { precision: number; recall: number; f1: number };
}

function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : 0;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Precision, recall and F1 from a confusion matrix (rows true, columns predicted). An undefined
 * ratio is 0, as with scikit-learn's `zero_division=0` and `labels=range(classes)`.
 */
export function precisionRecallF1FromMatrix(
  matrix: readonly (readonly number[])[],
): PrecisionRecallF1Result {
  const classes = matrix.length;
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const support: number[] = [];
  for (let target = 0; target < classes; target++) {
    const truePositives = matrix[target][target];
    let actual = 0;
    let predicted = 0;
    for (let other = 0; other < classes; other++) {
      actual += matrix[target][other];
      predicted += matrix[other][target];
    }
    precision.push(ratio(truePositives, predicted));
    recall.push(ratio(truePositives, actual));
    // Equal to 2PR / (P + R) whenever that is defined, without a second rounding.
    f1.push(ratio(2 * truePositives, actual + predicted));
    support.push(actual);
  }
  return {
    precision,
    recall,
    f1,
    support,
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1) },
  };
}

/**
 * Precision, recall and F1 per class and macro-averaged, from argmax predictions (a tie goes to
 * the lowest class index). A class never predicted has precision 0, a class with no rows has
 * recall 0, and F1 is 0 when precision and recall both are: scikit-learn's `zero_division=0`.
 * The macro means run over all `classes`, so such classes pull them down (scikit-learn with
 * `labels=range(classes)`; its default of only the labels present would leave them out).
 *
 * @example
 * const scores = new PrecisionRecallF1({ classes: 5 });
 */
export class PrecisionRecallF1 implements Metric<ScoredBatch, PrecisionRecallF1Result> {
  readonly classes: number;
  private readonly matrix: ConfusionMatrix;

  constructor(options: ClassOptions) {
    this.matrix = new ConfusionMatrix(options);
    this.classes = this.matrix.classes;
  }

  update(batch: ScoredBatch): void {
    this.matrix.update(batch);
  }

  compute(): PrecisionRecallF1Result {
    return precisionRecallF1FromMatrix(this.matrix.compute());
  }

  reset(): void {
    this.matrix.reset();
  }
}
