import { getRegistry, loadPlugins } from '@machop/core';
import { describe, expect, it } from 'vitest';
import datasets, { datasetsPlugin } from './index.js';

describe('datasets plugin', () => {
  it('registers jsc, csv and toy through the public plugin API', async () => {
    expect(datasets).toBe(datasetsPlugin);
    const [loaded] = await loadPlugins([datasets]);
    expect(loaded).toMatchObject({ name: '@machop/datasets', apiVersion: 1, setUp: true });
    const entries = getRegistry()
      .datasets.list()
      .filter((entry) => entry.plugin === '@machop/datasets');
    expect(entries.map((entry) => entry.name)).toEqual(['csv', 'jsc', 'toy']);
    expect(getRegistry().datasets.get('jsc').shape).toEqual({ features: 16, classes: 5 });
    expect(
      getRegistry()
        .datasets.get('jsc')
        .options?.map((option) => option.name),
    ).toEqual(['dataDir']);
  });
});
