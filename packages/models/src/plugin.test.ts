import { getRegistry, loadPlugins } from '@machop/core';
import { beforeAll, expect, it } from 'vitest';
import plugin, { modelsPlugin } from './index.js';

beforeAll(async () => {
  await loadPlugins([plugin]);
});

it('registers the JSC family and mlp through the public plugin API', () => {
  expect(modelsPlugin).toBe(plugin);
  const models = getRegistry()
    .models.list()
    .filter((entry) => entry.plugin === '@machop/models');
  expect(models.map((entry) => entry.name)).toEqual([
    'jsc-custom',
    'jsc-s',
    'jsc-three-linear-layers',
    'jsc-tiny',
    'jsc-toy',
    'jsc-trt',
    'mlp',
  ]);
  for (const entry of models) {
    expect(entry.task).toBe('classification');
    expect(typeof entry.layers).toBe('function');
    expect(typeof entry.trainableParams).toBe('function');
  }
});

it('says in each JSC description that the model ends in a ReLU, and gives its size on jsc', () => {
  const tiny = getRegistry().models.get('jsc-tiny');
  expect(tiny.description).toContain('117 params on jsc');
  for (const entry of getRegistry()
    .models.list()
    .filter((model) => model.name.startsWith('jsc-'))) {
    expect(entry.description).toMatch(/ends in ReLU like MASE/);
  }
});
