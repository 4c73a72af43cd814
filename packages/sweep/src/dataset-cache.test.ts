import { loadPlugins, type TabularDataset } from '@machop/core';
import { describe, expect, it } from 'vitest';
import { DatasetCache } from './dataset-cache.js';

describe('DatasetCache', () => {
  it('loads a data set once per configuration and again when it changes', async () => {
    const loads: unknown[] = [];
    await loadPlugins([
      {
        name: 'dataset-cache-test',
        apiVersion: 1,
        setup(registry) {
          registry.datasets.add('counted', {
            description: 'counts its loads',
            task: 'classification',
            options: [{ name: 'rows', type: 'number', default: 10, description: 'rows' }],
            load: (context) => {
              loads.push([context.options, context.split]);
              return Promise.resolve({ loads: loads.length } as unknown as TabularDataset);
            },
          });
        },
      },
    ]);
    const cache = new DatasetCache({ seed: 42, testFraction: 0.2, valFraction: 0.1 });
    const first = await cache.get({ dataset: 'counted', cacheDir: '/tmp/x' });
    // Defaults written out are the same configuration.
    expect(
      await cache.get({ dataset: 'counted', datasetOptions: { rows: 10 }, cacheDir: '/tmp/x' }),
    ).toBe(first);
    expect(await cache.get({ dataset: 'counted', split: { seed: 42 }, cacheDir: '/tmp/x' })).toBe(
      first,
    );
    expect(cache.loads).toBe(1);
    const other = await cache.get({
      dataset: 'counted',
      datasetOptions: { rows: 20 },
      cacheDir: '/tmp/x',
    });
    expect(other).not.toBe(first);
    await cache.get({ dataset: 'counted', split: { seed: 1 }, cacheDir: '/tmp/x' });
    expect(cache.loads).toBe(3);
    expect(loads[0]).toEqual([{ rows: 10 }, { seed: 42, testFraction: 0.2, valFraction: 0.1 }]);
  });
});
