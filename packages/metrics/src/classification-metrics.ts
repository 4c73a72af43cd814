import { MachopError } from '@machop/core';
import { ConfusionMatrix } from './confusion-matrix.js';
import { MeanLoss } from './mean-loss.js';
import type { Metric, ScoredBatch } from './metric.js';
import { precisionRecallF1FromMatrix } from './precision-recall-f1.js';
import { RocAuc } from './roc-auc.js';
import { TopKAccuracy } from './top-k-accuracy.js';
import { checkBatch, checkClasses, noRowsError } from './validate.js';

/** Options of {@link ClassificationMetrics}. */
export interface ClassificationMetricsOptions {
  /** Number of classes, at least 2. */
  classes: number;
  /** Also compute top-k accuracy for this k (1 to `classes`). */
  topK?: number;
  /**
   * Compute one-vs-rest ROC AUC (default true). AUC keeps every score until `reset()`; turn it
   * off where it is not reported, such as on training batches.
   */
  auc?: boolean;
}

/** One batch for {@link ClassificationMetrics}: scores, labels and, optionally, the batch's mean loss. */
export interface ClassificationBatch extends ScoredBatch {
  /** Mean loss over the batch's rows. Give it with every batch or with none. */
  loss?: number;
}

/** Every classification metric over the rows seen; plain JSON (undefined values are `null`). */
export interface ClassificationResult {
  /** Rows seen. */
  size: number;
  /** Mean loss per row; present when batches carried a loss. */
  loss?: number;
  /** Argmax accuracy (a tie goes to the lowest class index). */
  accuracy: number;
  /** Present when the `topK` option was given; see {@link TopKAccuracy} for ties. */
  topK?: { k: number; accuracy: number };
  /** `confusionMatrix[true][predicted]` row counts. */
  confusionMatrix: number[][];
  /** Rows of each true class. */
  support: number[];
  /** Per class; 0 for a class never predicted. */
  precision: number[];
  /** Per class; 0 for a class with no rows. */
  recall: number[];
  /** Per class; 0 when precision and recall are both 0. */
  f1: number[];
  /** Unweighted means of precision, recall and F1 over all classes. */
  macro: { precision: number; recall: number; f1: number };
  /** One-vs-rest ROC AUC per class, null where undefined; present unless `auc: false`. */
  auc?: (number | null)[];
  /** Mean of the defined per-class AUCs, null if none is; present unless `auc: false`. */
  macroAuc?: number | null;
}

/**
 * The classification metrics a run reports, updated together from each batch: loss, accuracy,
 * top-k accuracy, confusion matrix, precision/recall/F1 per class and macro, and one-vs-rest
 * ROC AUC. The result does not depend on how rows were split into batches.
 *
 * @example
 * const metrics = new ClassificationMetrics({ classes: 5, topK: 3 });
 * metrics.update({ scores, labels, loss }); // once per batch
 * const result = metrics.compute();
 * metrics.reset(); // before the next epoch
 */
export class ClassificationMetrics implements Metric<ClassificationBatch, ClassificationResult> {
  readonly classes: number;
  private readonly loss = new MeanLoss();
  private readonly matrix: ConfusionMatrix;
  private readonly topK: TopKAccuracy | undefined;
  private readonly auc: RocAuc | undefined;
  private rows = 0;
  /** Whether batches carry a loss, fixed by the first non-empty batch. */
  private withLoss: boolean | undefined;

  constructor(options: ClassificationMetricsOptions) {
    this.classes = checkClasses(options.classes, 'classification metrics');
    this.matrix = new ConfusionMatrix({ classes: this.classes });
    this.topK =
      options.topK === undefined
        ? undefined
        : new TopKAccuracy({ classes: this.classes, k: options.topK });
    this.auc = options.auc === false ? undefined : new RocAuc({ classes: this.classes });
  }

  update(batch: ClassificationBatch): void {
    // Everything is checked before any metric changes, so a bad batch leaves the state as it was.
    const size = checkBatch(batch, this.classes, 'classification metrics');
    if (size === 0) return;
    const hasLoss = batch.loss !== undefined;
    if (this.withLoss !== undefined && hasLoss !== this.withLoss) {
      throw new MachopError(
        'E_USAGE',
        `classification metrics: this batch ${hasLoss ? 'has' : 'has no'} loss but earlier batches ${this.withLoss ? 'had one' : 'had none'}; pass loss with every batch or with none`,
      );
    }
    if (batch.loss !== undefined) this.loss.update({ loss: batch.loss, size });
    this.withLoss = hasLoss;
    this.matrix.update(batch);
    this.topK?.update(batch);
    this.auc?.update(batch);
    this.rows += size;
  }

  /** Every metric over the rows seen. Throws when no row was seen. */
  compute(): ClassificationResult {
    if (this.rows === 0) throw noRowsError('classification metrics');
    const confusionMatrix = this.matrix.compute();
    let correct = 0;
    for (let target = 0; target < this.classes; target++)
      correct += confusionMatrix[target][target];
    const { precision, recall, f1, support, macro } = precisionRecallF1FromMatrix(confusionMatrix);
    const result: ClassificationResult = {
      size: this.rows,
      ...(this.withLoss ? { loss: this.loss.compute() } : {}),
      accuracy: correct / this.rows,
      ...(this.topK ? { topK: { k: this.topK.k, accuracy: this.topK.compute() } } : {}),
      confusionMatrix,
      support,
      precision,
      recall,
      f1,
      macro,
    };
    if (this.auc) {
      const auc = this.auc.compute();
      result.auc = auc.perClass;
      result.macroAuc = auc.macro;
    }
    return result;
  }

  reset(): void {
    this.loss.reset();
    this.matrix.reset();
    this.topK?.reset();
    this.auc?.reset();
    this.rows = 0;
    this.withLoss = undefined;
  }

  /** Rows seen since the last reset. */
  get count(): number {
    return this.rows;
  }
}
