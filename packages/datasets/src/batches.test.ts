import { describe, expect, it } from 'vitest';
import { BatchIterator } from './batches.js';

// Row r has features [r, r + 0.5] and label r % 3, so a batch row tells which split row it is.
function split(size: number) {
  return {
    x: Float32Array.from({ length: size * 2 }, (_, index) => Math.floor(index / 2) + (index % 2) * 0.5),
    y: Int32Array.from({ length: size }, (_, row) => row % 3),
    size,
  };
}

function epochRows(iterator: BatchIterator, epoch: number): { rows: number[]; sizes: number[] } {
  const rows: number[] = [];
  const sizes: number[] = [];
  for (const batch of iterator.epoch(epoch)) {
    sizes.push(batch.size);
    for (let row = 0; row < batch.size; row++) {
      const index = batch.x[row * 2];
      expect(batch.x[row * 2 + 1]).toBe(index + 0.5);
      expect(batch.y[row]).toBe(index % 3);
      rows.push(index);
    }
  }
  return { rows, sizes };
}

describe('BatchIterator', () => {
  it('visits every row once per epoch and keeps the last partial batch', () => {
    const iterator = new BatchIterator(split(103), { batchSize: 25, seed: 1 });
    const { rows, sizes } = epochRows(iterator, 0);
    expect(sizes).toEqual([25, 25, 25, 25, 3]);
    expect(iterator.batchesPerEpoch).toBe(5);
    expect([...rows].sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, index) => index));
  });

  it('shuffles differently each epoch and identically for the same seed and epoch', () => {
    const first = new BatchIterator(split(200), { batchSize: 32, seed: 7 });
    const second = new BatchIterator(split(200), { batchSize: 32, seed: 7 });
    const epoch0 = epochRows(first, 0).rows;
    const epoch1 = epochRows(first, 1).rows;
    expect(epoch1).not.toEqual(epoch0);
    // The order of an epoch does not depend on the epochs before it: resuming gives the same batches.
    expect(epochRows(second, 1).rows).toEqual(epoch1);
    expect(epochRows(second, 0).rows).toEqual(epoch0);
    expect(epochRows(new BatchIterator(split(200), { batchSize: 32, seed: 8 }), 0).rows).not.toEqual(epoch0);
  });

  it('keeps the split order without shuffling', () => {
    const iterator = new BatchIterator(split(10), { batchSize: 4, seed: 1, shuffle: false });
    expect(epochRows(iterator, 3).rows).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reuses the same buffers for every full batch', () => {
    const iterator = new BatchIterator(split(64), { batchSize: 16, seed: 1 });
    const buffers = new Set<ArrayBufferLike>();
    const arrays = new Set<Float32Array>();
    for (const batch of iterator.epoch(0)) {
      buffers.add(batch.x.buffer);
      arrays.add(batch.x);
    }
    for (const batch of iterator.epoch(1)) arrays.add(batch.x);
    expect(buffers.size).toBe(1);
    expect(arrays.size).toBe(1);
  });

  it('gives one smaller batch when the split is smaller than the batch size, and none when empty', () => {
    expect(epochRows(new BatchIterator(split(5), { batchSize: 256, seed: 1 }), 0).sizes).toEqual([5]);
    expect(epochRows(new BatchIterator(split(0), { batchSize: 256, seed: 1 }), 0).sizes).toEqual([]);
  });

  it('rejects a batch size that is not a positive integer', () => {
    expect(() => new BatchIterator(split(5), { batchSize: 0, seed: 1 })).toThrow(/batch size must be a positive integer/);
  });
});
