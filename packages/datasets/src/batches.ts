import { createRandom, mixSeed, type Split } from '@machop/core';

/** One batch; its arrays are reused, so read or copy them before asking for the next batch. */
export interface Batch {
  /** `size * features` values, row-major. */
  x: Float32Array;
  /** `size` class indices. */
  y: Int32Array;
  /** Rows in this batch: `batchSize`, or fewer for the last batch of an epoch. */
  size: number;
}

/** Options of {@link BatchIterator}. */
export interface BatchOptions {
  batchSize: number;
  /** Seed of the per-epoch shuffle (usually the run's seed). */
  seed: number;
  /** Shuffle rows each epoch (default true); false keeps the split's order, for evaluation. */
  shuffle?: boolean;
}

// Separates the batch shuffle's random stream from other uses of the same seed.
const BATCH_STREAM = 0xba7c4;

/**
 * Batches of a split for training, filled into two buffers allocated once.
 *
 * Semantics: epoch `e` visits every row exactly once, in an order that depends only on
 * `(seed, e)` (a Fisher-Yates shuffle of the identity with `createRandom(mixSeed(seed, e, ...))`),
 * so a run resumed at epoch `e` sees the same batches as an uninterrupted one. Batches hold
 * `batchSize` rows, except the last one of an epoch, which keeps the remaining
 * `size % batchSize` rows (it is not dropped). A batch's arrays are views of the reused
 * buffers: the next batch overwrites them.
 *
 * @example
 * const batches = new BatchIterator(data.train, { batchSize: 256, seed: 1 });
 * for (const batch of batches.epoch(0)) step(batch.x, batch.y, batch.size);
 */
export class BatchIterator {
  /** Features per row. */
  readonly features: number;
  /** Batches per epoch, counting a last partial one. */
  readonly batchesPerEpoch: number;
  private readonly order: Int32Array;
  private readonly x: Float32Array;
  private readonly y: Int32Array;
  private readonly batchSize: number;

  constructor(
    private readonly split: Split,
    private readonly options: BatchOptions,
  ) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${options.batchSize}`);
    this.features = split.size > 0 ? split.x.length / split.size : 0;
    this.batchSize = Math.min(options.batchSize, Math.max(split.size, 1));
    this.batchesPerEpoch = Math.ceil(split.size / this.batchSize);
    this.order = new Int32Array(split.size);
    this.x = new Float32Array(this.batchSize * this.features);
    this.y = new Int32Array(this.batchSize);
  }

  /** The rows of epoch `epoch` (0-based), batch by batch. */
  *epoch(epoch: number): Generator<Batch, void, undefined> {
    const { order, features, split, batchSize } = this;
    for (let index = 0; index < order.length; index++) order[index] = index;
    if (this.options.shuffle !== false) {
      const random = createRandom(mixSeed(this.options.seed, epoch, BATCH_STREAM));
      for (let index = order.length - 1; index > 0; index--) {
        const other = Math.floor(random() * (index + 1));
        const value = order[index];
        order[index] = order[other];
        order[other] = value;
      }
    }
    const full: Batch = { x: this.x, y: this.y, size: batchSize };
    for (let start = 0; start < order.length; start += batchSize) {
      const size = Math.min(batchSize, order.length - start);
      for (let offset = 0; offset < size; offset++) {
        const row = order[start + offset];
        const source = row * features;
        const target = offset * features;
        for (let feature = 0; feature < features; feature++) this.x[target + feature] = split.x[source + feature];
        this.y[offset] = split.y[row];
      }
      yield size === batchSize ? full : { x: this.x.subarray(0, size * features), y: this.y.subarray(0, size), size };
    }
  }
}
