/**
 * @machop/metrics: streaming classification metrics on typed arrays. Each metric is updated
 * batch by batch and gives the same value as over all rows at once: mean loss, accuracy, top-k
 * accuracy, confusion matrix, precision/recall/F1 (per class and macro) and one-vs-rest ROC AUC,
 * checked against scikit-learn.
 *
 * @packageDocumentation
 */
export type { Metric, ScoredBatch, ClassOptions } from './metric.js';
export { MeanLoss, type LossBatch } from './mean-loss.js';
export { Accuracy } from './accuracy.js';
export { TopKAccuracy, type TopKOptions } from './top-k-accuracy.js';
export { ConfusionMatrix } from './confusion-matrix.js';
export { PrecisionRecallF1, type PrecisionRecallF1Result } from './precision-recall-f1.js';
export { RocAuc, type RocAucResult } from './roc-auc.js';
export {
  ClassificationMetrics,
  type ClassificationMetricsOptions,
  type ClassificationBatch,
  type ClassificationResult,
} from './classification-metrics.js';
export { formatClassificationReport, type ReportOptions } from './report.js';
