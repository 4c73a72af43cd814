import { MachopError, ModelError } from '@machop/core';
import type { Metric } from './metric.js';
import { noRowsError } from './validate.js';

/** One batch for {@link MeanLoss}: the batch's mean loss and its number of rows. */
export interface LossBatch {
  loss: number;
  size: number;
}

/**
 * Mean loss over every row seen: each batch's mean loss weighted by its size, so batches of
 * different sizes (such as a short last batch) give the mean over rows.
 *
 * @example
 * const loss = new MeanLoss();
 * loss.update({ loss: 0.5, size: 100 });
 * loss.update({ loss: 0.2, size: 50 });
 * loss.compute(); // 0.4
 */
export class MeanLoss implements Metric<LossBatch, number> {
  // Neumaier-compensated sum, so the mean over 800k rows does not depend on the batch size.
  private sum = 0;
  private compensation = 0;
  private rows = 0;

  update(batch: LossBatch): void {
    const { loss, size } = batch;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
      throw new MachopError(
        'E_USAGE',
        `mean loss: batch size must be a non-negative integer, got ${String(size)}; pass the number of rows the loss was averaged over`,
      );
    }
    if (size === 0) return;
    if (typeof loss !== 'number' || !Number.isFinite(loss)) {
      throw new ModelError(
        `mean loss: batch loss must be a finite number, got ${String(loss)}; a NaN or infinite loss means training diverged (try a lower learning rate)`,
      );
    }
    const term = loss * size;
    const total = this.sum + term;
    this.compensation +=
      Math.abs(this.sum) >= Math.abs(term) ? this.sum - total + term : term - total + this.sum;
    this.sum = total;
    this.rows += size;
  }

  /** The mean loss per row. Throws when no row was seen. */
  compute(): number {
    if (this.rows === 0) throw noRowsError('mean loss');
    return (this.sum + this.compensation) / this.rows;
  }

  reset(): void {
    this.sum = 0;
    this.compensation = 0;
    this.rows = 0;
  }

  /** Rows seen since the last reset. */
  get count(): number {
    return this.rows;
  }
}
