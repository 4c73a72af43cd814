import { getRegistry, initBackend, loadPlugins, tf } from '@machop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import plugin, { formatModelSummary, summarizeModel } from './index.js';

// Trainable counts of MASE's models on JSC (16 features, 5 classes), as PyTorch reports them. The
// non-trainable counts are the batch-norm running mean and variance: 2 per normalised unit.
const KNOWN = {
  'jsc-tiny': { trainable: 117, nonTrainable: 2 * 16 },
  'jsc-toy': { trainable: 327, nonTrainable: 2 * (16 + 8 + 8 + 5) },
  'jsc-s': { trainable: 5615, nonTrainable: 2 * (16 + 64 + 5) },
  'jsc-trt': { trainable: 3231, nonTrainable: 2 * (16 + 32 + 48 + 16 + 5) },
  'jsc-three-linear-layers': { trainable: 661, nonTrainable: 2 * 16 },
  'jsc-custom': { trainable: 1295, nonTrainable: 2 * (16 + 32 + 16 + 5) },
} as const;

const build = (name: string, options = {}) =>
  getRegistry().models.get(name).create({ features: 16, classes: 5, options, seed: 0, tf });

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  await loadPlugins([plugin]);
});

describe('summarizeModel on the JSC models (16 features, 5 classes)', () => {
  for (const [name, known] of Object.entries(KNOWN)) {
    it(`counts ${known.trainable} trainable and ${known.nonTrainable} non-trainable parameters for ${name}`, () => {
      const model = build(name);
      const summary = summarizeModel(model);
      expect(summary.trainable).toBe(known.trainable);
      expect(summary.nonTrainable).toBe(known.nonTrainable);
      expect(summary.total).toBe(known.trainable + known.nonTrainable);
      expect(summary.layers.reduce((sum, layer) => sum + layer.trainable, 0)).toBe(known.trainable);
      expect(
        getRegistry().models.get(name).trainableParams?.({ features: 16, classes: 5, options: {} }),
      ).toBe(known.trainable);
      expect(formatModelSummary(summary)).toContain(`Trainable params: ${known.trainable}\n`);
      model.dispose();
    });
  }
});

describe('summarizeModel', () => {
  it('lists each layer with its type, output shape and counts, as plain JSON', () => {
    const model = build('jsc-tiny');
    const summary = summarizeModel(model);
    expect(summary.layers).toEqual([
      {
        name: 'batch_norm_1',
        type: 'BatchNormalization',
        outputShape: [null, 16],
        trainable: 32,
        nonTrainable: 32,
      },
      {
        name: 'relu_1',
        type: 'Activation',
        outputShape: [null, 16],
        trainable: 0,
        nonTrainable: 0,
      },
      {
        name: 'dense_1',
        type: 'Dense',
        outputShape: [null, 5],
        trainable: 16 * 5 + 5,
        nonTrainable: 0,
      },
      { name: 'relu_2', type: 'Activation', outputShape: [null, 5], trainable: 0, nonTrainable: 0 },
    ]);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
    model.dispose();
  });

  it('reads the real weights: a frozen layer counts as non-trainable', () => {
    const model = build('jsc-tiny');
    model.getLayer('dense_1').trainable = false;
    const summary = summarizeModel(model);
    expect(summary.trainable).toBe(32);
    expect(summary.nonTrainable).toBe(32 + 16 * 5 + 5);
    expect(summary.total).toBe(KNOWN['jsc-tiny'].trainable + 32);
    model.dispose();
  });

  it('follows the options of the mlp', () => {
    const model = build('mlp', { hidden: [10, 4], batchNorm: false });
    const summary = summarizeModel(model);
    expect(summary.trainable).toBe(16 * 10 + 10 + 10 * 4 + 4 + 4 * 5 + 5);
    expect(summary.nonTrainable).toBe(0);
    model.dispose();
  });
});

describe('formatModelSummary', () => {
  it('prints a Keras-style table with aligned columns and totals', () => {
    const model = build('jsc-tiny');
    const text = formatModelSummary(summarizeModel(model));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Layer \(type\)\s+Output shape\s+Trainable\s+Non-trainable$/);
    expect(lines).toContain('Total params: 149');
    expect(lines).toContain('Non-trainable params: 32');
    const row = lines.find((line) => line.startsWith('dense_1 (Dense)'));
    expect(row).toMatch(/^dense_1 \(Dense\)\s+\(None, 5\)\s+85\s+0$/);
    // Every row ends where the header does: counts are right-aligned under their titles.
    const tableRows = lines
      .slice(0, lines.indexOf('Total params: 149') - 1)
      .filter((line) => !line.startsWith('='));
    expect(new Set(tableRows.map((line) => line.length)).size).toBe(1);
    expect(text.endsWith('\n')).toBe(true);
    model.dispose();
  });

  it('writes a one-element shape with a trailing comma and several outputs side by side', () => {
    const text = formatModelSummary({
      layers: [
        {
          name: 'split',
          type: 'Custom',
          outputShape: [[null], [null, 3]],
          trainable: 0,
          nonTrainable: 0,
        },
      ],
      trainable: 0,
      nonTrainable: 0,
      total: 0,
    });
    expect(text).toContain('(None,), (None, 3)');
  });
});
