import {
  getRegistry,
  initBackend,
  isMachopError,
  loadPlugins,
  tf,
  type OptionValues,
} from '@machop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import plugin from './index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  await loadPlugins([plugin]);
});

const mlp = () => getRegistry().models.get('mlp');
const layersOf = (options: OptionValues, features = 7, classes = 3) =>
  mlp().layers!({ features, classes, options, seed: 0 });

function configErrorOf(options: OptionValues): string {
  try {
    layersOf(options);
  } catch (error) {
    expect(isMachopError(error) && error.code).toBe('E_CONFIG');
    return (error as Error).message;
  }
  throw new Error(`expected options ${JSON.stringify(options)} to be refused`);
}

describe('mlp', () => {
  it('declares its options with defaults: hidden 64,32,32, relu, batch norm, no dropout', () => {
    const defaults = Object.fromEntries(
      (mlp().options ?? []).map((spec) => [spec.name, spec.default]),
    );
    expect(defaults).toEqual({
      hidden: [64, 32, 32],
      activation: 'relu',
      batchNorm: true,
      dropout: 0,
    });
    // Missing options take those defaults, so `{}` and the defaults give the same model.
    expect(layersOf({})).toEqual(layersOf(defaults));
  });

  it('stacks Linear, batch norm, activation and dropout per hidden layer, then Linear to plain logits', () => {
    expect(layersOf({ hidden: [10, 4], activation: 'elu', dropout: 0.2 })).toEqual([
      { type: 'dense', units: 10 },
      { type: 'batchNorm' },
      { type: 'activation', activation: 'elu' },
      { type: 'dropout', rate: 0.2 },
      { type: 'dense', units: 4 },
      { type: 'batchNorm' },
      { type: 'activation', activation: 'elu' },
      { type: 'dropout', rate: 0.2 },
      { type: 'dense', units: 3 },
    ]);
    expect(layersOf({ hidden: [10], batchNorm: false })).toEqual([
      { type: 'dense', units: 10 },
      { type: 'activation', activation: 'relu' },
      { type: 'dense', units: 3 },
    ]);
  });

  it('declares the parameter count of its options', () => {
    const count = mlp().trainableParams!({
      features: 7,
      classes: 3,
      options: { hidden: [10], batchNorm: true },
    });
    expect(count).toBe(7 * 10 + 10 + 2 * 10 + 10 * 3 + 3);
  });

  it('uses the chosen activation in the built model', () => {
    const model = mlp().create({
      features: 7,
      classes: 3,
      options: { hidden: [5], activation: 'sigmoid' },
      seed: 0,
      tf,
    });
    expect(model.getLayer('sigmoid_1').getConfig().activation).toBe('sigmoid');
    model.dispose();
  });

  it('refuses bad options with a ConfigError naming the flag and a valid example', () => {
    expect(configErrorOf({ hidden: [64, 0] })).toBe(
      'mlp --hidden must list positive whole numbers, such as 64,32,32; got 64,0',
    );
    expect(configErrorOf({ hidden: [1.5] })).toMatch(/^mlp --hidden .* got 1.5$/);
    expect(configErrorOf({ hidden: [] })).toMatch(/^mlp --hidden /);
    expect(configErrorOf({ activation: 'gelu' })).toBe(
      'mlp --activation must be one of relu, tanh, sigmoid, elu, selu; got "gelu"',
    );
    expect(configErrorOf({ batchNorm: 'yes' })).toBe(
      'mlp --batch-norm must be true or false; got "yes"',
    );
    expect(configErrorOf({ dropout: 1 })).toBe(
      'mlp --dropout must be a rate of at least 0 and below 1, such as 0.2; got 1',
    );
  });
});
