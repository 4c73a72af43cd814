import { createRandom, type Split } from '@machop/core';

/**
 * Training batches in a seeded order: one permutation of the rows per epoch, copied batch by
 * batch into two buffers allocated once, so building a batch allocates nothing.
 */
export class BatchSampler {
  /** Features of the current batch, row-major; only the first `size * features` values count. */
  readonly x: Float32Array;
  /** Labels of the current batch; only the first `size` values count. */
  readonly y: Int32Array;
  /** Batches per epoch; the last one may be smaller (nothing is dropped). */
  readonly batches: number;
  private readonly order: Uint32Array;
  private readonly batchSize: number;

  constructor(
    private readonly split: Split,
    private readonly features: number,
    batchSize: number,
  ) {
    // A batch larger than the split is the split: no buffer larger than the data.
    batchSize = this.batchSize = Math.max(1, Math.min(batchSize, split.size));
    this.x = new Float32Array(batchSize * features);
    this.y = new Int32Array(batchSize);
    this.order = new Uint32Array(split.size);
    this.batches = Math.ceil(split.size / batchSize);
  }

  /** Fisher-Yates shuffle from the identity, so the order depends on `seed` alone. */
  shuffle(seed: number): void {
    const order = this.order;
    for (let index = 0; index < order.length; index++) order[index] = index;
    const random = createRandom(seed);
    for (let index = order.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      const kept = order[index];
      order[index] = order[other];
      order[other] = kept;
    }
  }

  /** Copy batch `batch` of the current order into {@link x} and {@link y}; returns its size. */
  fill(batch: number): number {
    const start = batch * this.batchSize;
    const size = Math.min(this.batchSize, this.split.size - start);
    const { x, y, features } = this;
    const source = this.split.x;
    for (let row = 0; row < size; row++) {
      const from = this.order[start + row];
      y[row] = this.split.y[from];
      const offset = from * features;
      const target = row * features;
      for (let column = 0; column < features; column++)
        x[target + column] = source[offset + column];
    }
    return size;
  }
}
