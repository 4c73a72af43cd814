import { isMachopError } from '@machop/core';
import { describe, expect, it } from 'vitest';
import { toyEntry } from './entry.js';

const split = { seed: 42, testFraction: 0.2, valFraction: 0.1 };
const load = (options: Record<string, unknown>) =>
  toyEntry.load({ options, split, cacheDir: '/nonexistent', reporter: { info() {} } });

describe('toy data set', () => {
  it('generates the shape asked for and says it is synthetic', async () => {
    const data = await load({ samples: 300, features: 5, classes: 4 });
    expect([data.features, data.classes]).toEqual([5, 4]);
    expect(data.source.rows).toBe(300);
    expect(data.source.description).toMatch(/^synthetic \(not real data\)/);
    expect(toyEntry.description).toMatch(/^synthetic \(not real data\)/);
  });

  it('is the same for the same data seed and different for another', async () => {
    const first = await load({ dataSeed: 3 });
    const again = await load({ dataSeed: 3 });
    const other = await load({ dataSeed: 4 });
    expect(again.train.x).toEqual(first.train.x);
    expect(other.train.x).not.toEqual(first.train.x);
  });

  it('is learnable with separation and not without: nearest-centroid test accuracy', async () => {
    const accuracy = async (separation: number) => {
      const data = await load({ samples: 600, features: 3, classes: 2, separation, dataSeed: 1 });
      const centroids = [0, 1].map((label) => {
        const sum = [0, 0, 0];
        let count = 0;
        for (let row = 0; row < data.train.size; row++) {
          if (data.train.y[row] !== label) continue;
          for (let feature = 0; feature < 3; feature++)
            sum[feature] += data.train.x[row * 3 + feature];
          count++;
        }
        return sum.map((value) => value / count);
      });
      let correct = 0;
      for (let row = 0; row < data.test.size; row++) {
        const distance = (centroid: number[]) =>
          centroid.reduce(
            (total, value, feature) => total + (data.test.x[row * 3 + feature] - value) ** 2,
            0,
          );
        if ((distance(centroids[1]) < distance(centroids[0]) ? 1 : 0) === data.test.y[row])
          correct++;
      }
      return correct / data.test.size;
    };
    expect(await accuracy(4)).toBeGreaterThan(0.9);
    expect(await accuracy(0)).toBeLessThan(0.7);
  });

  it('rejects invalid options, naming the flag', async () => {
    for (const [options, flag] of [
      [{ samples: 3 }, '--samples'],
      [{ classes: 1 }, '--classes'],
      [{ features: 2.5 }, '--features'],
      [{ separation: -1 }, '--separation'],
      [{ dataSeed: 'x' }, '--data-seed'],
    ] as const) {
      let message = '';
      try {
        await load(options);
      } catch (error) {
        expect(isMachopError(error) && error.code).toBe('E_CONFIG');
        message = (error as Error).message;
      }
      expect(message).toContain(flag);
    }
  });
});
