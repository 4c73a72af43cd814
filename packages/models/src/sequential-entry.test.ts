import { getRegistry, initBackend, isMachopError, loadPlugins, tf } from '@machop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import plugin from './index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  await loadPlugins([plugin]);
});

const shape = { features: 16, classes: 5, options: {}, seed: 0 };
const format = { width: 8, frac: 4 };
// jsc-tiny: batch norm, ReLU, linear, ReLU; MASE's example quantizes the linear (layer 2).
const quant = [null, null, { dataIn: format, weight: format, bias: format }, null];

describe("a sequential entry given a transformed run's quant", () => {
  it('puts each layer its quant in the layer list, and leaves the float list without', () => {
    const entry = getRegistry().models.get('jsc-tiny');
    expect(entry.layers!(shape)[2]).not.toHaveProperty('quant');
    const layers = entry.layers!({ ...shape, quant });
    expect(layers[2]).toEqual({ type: 'dense', units: 5, quant: quant[2] });
    expect(layers.filter((layer) => 'quant' in layer)).toHaveLength(1);
  });

  it('builds the tfjs model with the same quantized layer, its quant in model.json', () => {
    const model = getRegistry()
      .models.get('jsc-tiny')
      .create({ ...shape, quant, tf });
    try {
      const layers = (model.getConfig() as { layers: { config: { quant?: unknown } }[] }).layers;
      expect(layers.map((layer) => layer.config.quant ?? null)).toEqual(quant);
    } finally {
      model.dispose();
    }
  });

  it('refuses a quant made for another architecture, naming the model', () => {
    const entry = getRegistry().models.get('jsc-tiny');
    const refused = (given: typeof quant) => {
      try {
        entry.layers!({ ...shape, quant: given });
      } catch (error) {
        expect(isMachopError(error)).toBe(true);
        return (error as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refused([null, ...quant])).toMatch(
      /model jsc-tiny has 4 layers but its quantization describes 5/,
    );
    expect(refused([quant[2], null, null, null])).toMatch(
      /layer 0 is a batchNorm layer, which cannot be quantized/,
    );
  });
});
