import { getRegistry, isMachopError, loadPlugins } from '@machop/core';
import modelsPlugin from '@machop/models';
import { beforeAll, expect, it } from 'vitest';
import { setUp } from '../fixtures/helpers.js';
import { chooseEngine } from './choose-engine.js';
import { buildModel } from './build-model.js';
import { quantizedEntry } from './quantized-entry.js';
import { BUILTIN_ENGINES } from './tfjs-engine-entry.js';

beforeAll(async () => {
  await setUp();
  await loadPlugins([modelsPlugin, ...BUILTIN_ENGINES]);
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

it('auto runs a quantized model on the fused engine, which fake-quantizes it', () => {
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
    expect(record.used).toBe('fused');
    expect(record.reason).toBeNull();
    // Quantized, not float: the same weights on a float layer list give other logits.
    const rows = 4;
    const x = Float32Array.from({ length: rows * shape.features }, (_, index) => Math.sin(index));
    const quantized = new Float32Array(rows * shape.classes);
    engine.evaluate(x, rows, quantized);
    const floatEntry = getRegistry().models.get('jsc-tiny');
    const floatModel = buildModel(floatEntry, shape, {}, 0);
    const float = chooseEngine('fused', {
      entry: floatEntry,
      shape,
      modelOptions: {},
      seed: 0,
      model: floatModel,
      optimizer: { kind: 'adam', learningRate: 1e-3, weightDecay: 0 },
    });
    try {
      const logits = new Float32Array(rows * shape.classes);
      float.engine.evaluate(x, rows, logits);
      expect(Array.from(quantized)).not.toEqual(Array.from(logits));
    } finally {
      float.engine.dispose();
      floatModel.dispose();
    }
  } finally {
    engine.dispose();
    model.dispose();
  }
});
