import { describe, expect, it } from 'vitest';
import { BatchSampler } from './batches.js';

function split(size: number, features: number) {
  const x = Float32Array.from({ length: size * features }, (_, index) => index);
  const y = Int32Array.from({ length: size }, (_, index) => index);
  return { x, y, size };
}

function epochRows(sampler: BatchSampler, features: number): number[][] {
  const rows: number[][] = [];
  for (let batch = 0; batch < sampler.batches; batch++) {
    const size = sampler.fill(batch);
    for (let row = 0; row < size; row++) {
      const label = sampler.y[row];
      const values = Array.from(sampler.x.subarray(row * features, (row + 1) * features));
      // Each row's features must travel with its label.
      expect(values).toEqual(
        Array.from({ length: features }, (_, column) => label * features + column),
      );
      rows.push([label, size]);
    }
  }
  return rows;
}

describe('BatchSampler', () => {
  const features = 3;
  const data = split(10, features);

  it('visits every row once per epoch, in batches whose last one holds the remainder', () => {
    const sampler = new BatchSampler(data, features, 4);
    sampler.shuffle(1);
    const rows = epochRows(sampler, features);
    expect(sampler.batches).toBe(Math.ceil(data.size / 4));
    expect(rows.map(([label]) => label).sort((a, b) => a - b)).toEqual(Array.from(data.y));
    expect(rows.at(-1)![1]).toBe(data.size - 4 * (sampler.batches - 1));
  });

  it('gives the same order for the same seed and another for another seed, in the same buffers', () => {
    const sampler = new BatchSampler(data, features, 4);
    const { x, y } = sampler;
    sampler.shuffle(7);
    const first = epochRows(sampler, features);
    sampler.shuffle(8);
    const other = epochRows(sampler, features);
    sampler.shuffle(7);
    expect(epochRows(sampler, features)).toEqual(first);
    expect(other).not.toEqual(first);
    expect(sampler.x).toBe(x);
    expect(sampler.y).toBe(y);
  });
});
