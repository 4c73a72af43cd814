import { describe, expect, it } from 'vitest';
import { generateToy } from '../toy/generate.js';
import { prepareTabular } from './prepare.js';

const split = { seed: 42, testFraction: 0.2, valFraction: 0.1 };
const source = { description: 'test table' };

function table() {
  const base = generateToy({ samples: 200, features: 4, classes: 3, separation: 2, seed: 1 });
  // Append copies of rows 0..9 so that exactly 10 duplicates exist.
  const x = new Float32Array(210 * 4);
  x.set(base.x);
  x.set(base.x.subarray(0, 40), 200 * 4);
  const y = new Int32Array(210);
  y.set(base.y);
  y.set(base.y.subarray(0, 10), 200);
  return { ...base, x, y, rows: 210 };
}

describe('prepareTabular', () => {
  it('drops duplicates, splits, and records what it did', () => {
    const data = prepareTabular(table(), { name: 't', split, source });
    expect(data.source).toEqual({ description: 'test table', rows: 210, duplicatesDropped: 10 });
    const test = Math.ceil(200 * 0.2);
    const validation = Math.ceil((200 - test) * 0.1);
    expect([data.train.size, data.validation.size, data.test.size]).toEqual([
      200 - test - validation,
      validation,
      test,
    ]);
    expect(data.split).toEqual(split);
    expect(data.features).toBe(4);
    expect(data.classes).toBe(3);
  });

  it('fits the scaler on train only and applies it to every split', () => {
    const raw = table();
    const data = prepareTabular(raw, { name: 't', split, source });
    const unscaled = prepareTabular(raw, {
      name: 't',
      split,
      source,
      scaler: { mean: [0, 0, 0, 0], scale: [1, 1, 1, 1] },
    });
    for (let feature = 0; feature < 4; feature++) {
      let sum = 0;
      for (let row = 0; row < unscaled.train.size; row++)
        sum += unscaled.train.x[row * 4 + feature];
      expect(data.scaler.mean[feature]).toBeCloseTo(sum / unscaled.train.size, 5);
    }
    for (const part of ['train', 'validation', 'test'] as const) {
      for (let index = 0; index < data[part].x.length; index++) {
        const feature = index % 4;
        expect(data[part].x[index]).toBeCloseTo(
          (unscaled[part].x[index] - data.scaler.mean[feature]) / data.scaler.scale[feature],
          4,
        );
      }
    }
  });

  it('applies a given scaler instead of fitting one, as `ch test` does', () => {
    const scaler = { mean: [1, 2, 3, 4], scale: [2, 2, 2, 2] };
    const data = prepareTabular(table(), { name: 't', split, source, scaler });
    expect(data.scaler).toEqual(scaler);
    const unscaled = prepareTabular(table(), {
      name: 't',
      split,
      source,
      scaler: { mean: [0, 0, 0, 0], scale: [1, 1, 1, 1] },
    });
    expect(data.test.x[5]).toBeCloseTo((unscaled.test.x[5] - 2) / 2, 5);
  });

  it('refuses a table with one class or too few rows for the splits', () => {
    const one = { ...table(), classNames: ['only'], y: new Int32Array(210) };
    expect(() => prepareTabular(one, { name: 't', split, source })).toThrow(
      'data set "t" has 1 class (only); classification needs at least 2 (is the label column right?)',
    );
    const tiny = generateToy({ samples: 10, features: 2, classes: 2, separation: 1, seed: 1 });
    const few = { ...tiny, rows: 2, x: tiny.x.subarray(0, 4), y: tiny.y.subarray(0, 2) };
    expect(() => prepareTabular(few, { name: 't', split, source })).toThrow(
      /has only 2 distinct rows: too few for a non-empty train split/,
    );
  });
});
