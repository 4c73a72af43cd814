import { getRegistry, isMachopError, loadPlugins } from '@machop/core';
import modelsPlugin from '@machop/models';
import { beforeAll, expect, it } from 'vitest';
import { setUp } from '../fixtures/helpers.js';
import { chooseEngine } from './choose-engine.js';
import { buildModel } from './build-model.js';
import { quantizedEntry } from './quantized-entry.js';

beforeAll(async () => {
  await setUp();
  await loadPlugins([modelsPlugin]);
});

const shape = { features: 16, classes: 5 };
const format = { width: 4, frac: 2 };
const quant = [null, null, { dataIn: format, weight: format }, null];

it('a model without a layer list cannot be quantized: one clear error', () => {
  const entry = getRegistry().models.get('toy-mlp');
  expect(quantizedEntry(entry, undefined)).toBe(entry);
  let caught: unknown;
  try {
    quantizedEntry(entry, quant);
  } catch (error) {
    caught = error;
  }
  expect(isMachopError(caught)).toBe(true);
  expect((caught as Error).message).toMatch(
    /^model toy-mlp has no layer list; ch transform needs a sequential model/,
  );
});

it('auto runs a quantized model on tfjs, saying why, rather than float on the fused engine', () => {
  const entry = quantizedEntry(getRegistry().models.get('jsc-tiny'), quant);
  const model = buildModel(entry, shape, {}, 0);
  const { engine, record } = chooseEngine('auto', {
    entry,
    shape,
    modelOptions: {},
    seed: 0,
    model,
    optimizer: { kind: 'adam', learningRate: 1e-3, weightDecay: 0 },
  });
  try {
    expect(record.used).toBe('tfjs');
    expect(record.reason).toMatch(/layer 2 is quantized/);
  } finally {
    engine.dispose();
    model.dispose();
  }
});
