import { createRandom } from '@machop/core';
import { describe, expect, it } from 'vitest';
import { applyScaler, checkScaler, fitScaler } from './scaler.js';

function split(rows: number, features: number, seed: number) {
  const random = createRandom(seed);
  const x = Float32Array.from({ length: rows * features }, (_, index) =>
    index % features === 2 ? 7 : 1000 + random() * ((index % features) + 1),
  );
  return { x, y: new Int32Array(rows), size: rows };
}

describe('fitScaler', () => {
  it('computes column means and population standard deviations like StandardScaler', () => {
    const data = split(300, 3, 1);
    const scaler = fitScaler(data, 3);
    for (let feature = 0; feature < 3; feature++) {
      const column = Array.from({ length: 300 }, (_, row) => data.x[row * 3 + feature]);
      const mean = column.reduce((sum, value) => sum + value, 0) / column.length;
      const deviation = Math.sqrt(
        column.reduce((sum, value) => sum + (value - mean) ** 2, 0) / column.length,
      );
      expect(scaler.mean[feature]).toBeCloseTo(mean, 9);
      expect(scaler.scale[feature]).toBeCloseTo(deviation === 0 ? 1 : deviation, 9);
    }
  });

  it('gives a constant column scale 1, so it maps to 0', () => {
    const data = split(50, 3, 2);
    const scaler = fitScaler(data, 3);
    expect(scaler.scale[2]).toBe(1);
    applyScaler(data, scaler);
    for (let row = 0; row < 50; row++) expect(data.x[row * 3 + 2]).toBe(0);
  });

  it('standardises the rows it was fitted on', () => {
    const data = split(400, 3, 3);
    applyScaler(data, fitScaler(data, 3));
    const refit = fitScaler(data, 3);
    expect(Math.abs(refit.mean[0])).toBeLessThan(1e-5);
    expect(refit.scale[1]).toBeCloseTo(1, 5);
  });

  it('refuses an empty split', () => {
    expect(() => fitScaler({ x: new Float32Array(0), y: new Int32Array(0), size: 0 }, 3)).toThrow(
      /training split is empty/,
    );
  });
});

describe('checkScaler', () => {
  it('rejects a scaler of the wrong width or with a zero scale', () => {
    expect(() => checkScaler({ mean: [0, 0], scale: [1, 1] }, 3)).toThrow(
      /needs 3 finite means and 3 positive scales/,
    );
    expect(() => checkScaler({ mean: [0, 0, 0], scale: [1, 0, 1] }, 3)).toThrow(/positive scales/);
    expect(() => checkScaler({ mean: [0, 0, 0], scale: [1, 2, 1] }, 3)).not.toThrow();
  });
});
