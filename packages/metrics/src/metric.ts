/**
 * A streaming metric: feed it batches with {@link Metric.update}, read the value over everything
 * seen so far with {@link Metric.compute}, and start again with {@link Metric.reset}. The value
 * does not depend on how the rows were split into batches.
 */
export interface Metric<Batch, Result> {
  /** Add one batch. Copies what it keeps, so the caller may reuse its buffers afterwards. */
  update(batch: Batch): void;
  /** The value over every row seen since construction or the last {@link Metric.reset}. */
  compute(): Result;
  /** Forget every row seen. */
  reset(): void;
}

/**
 * One batch of classifier outputs: `scores` holds `labels.length * classes` values, row-major
 * (the trainer passes softmax probabilities), and `labels` the true class of each row.
 */
export interface ScoredBatch {
  scores: Float32Array;
  labels: Int32Array;
}

/** Options of every metric that looks at class scores. */
export interface ClassOptions {
  /** Number of classes, at least 2: the width of each row of scores. */
  classes: number;
}
