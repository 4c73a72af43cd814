import { getRegistry, isMachopError, loadPlugins, tf } from '@machop/core';
import { FusedEngine } from '@machop/engine-fused';
import modelsPlugin from '@machop/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { setUp } from '../fixtures/helpers.js';
import { chooseEngine } from './choose-engine.js';
import type { EngineChoice } from './options.js';
import { TfjsEngine } from './tfjs-engine.js';

beforeAll(async () => {
  await setUp();
  await loadPlugins([modelsPlugin]);
});

const shape = { features: 16, classes: 5 };
const optimizer = { kind: 'adam', learningRate: 1e-3, weightDecay: 0 } as const;

// The trainer fixtures' toy-mlp is built by `create` only, with no layer list.
const TOY_OPTIONS = { hidden: 8, batchNorm: false, dropout: 0 };

function choose(name: string, choice: EngineChoice) {
  const entry = getRegistry().models.get(name);
  const modelOptions = name === 'toy-mlp' ? TOY_OPTIONS : {};
  const model = entry.create({ ...shape, options: modelOptions, seed: 1, tf });
  return chooseEngine(choice, { entry, shape, modelOptions, seed: 1, model, optimizer });
}

describe('chooseEngine', () => {
  it('runs a model with a supported layer list on the fused engine under auto', () => {
    const { engine, record } = choose('jsc-custom', 'auto');
    expect(engine).toBeInstanceOf(FusedEngine);
    expect(record).toEqual({ requested: 'auto', used: 'fused', reason: null });
  });

  it('starts the fused engine from the tfjs model’s weights', () => {
    const entry = getRegistry().models.get('jsc-tiny');
    const model = entry.create({ ...shape, options: {}, seed: 9, tf });
    const { engine } = chooseEngine('fused', {
      entry,
      shape,
      modelOptions: {},
      seed: 9,
      model,
      optimizer,
    });
    const theirs = new TfjsEngine(model, optimizer).getWeights();
    expect(engine.getWeights()).toEqual(theirs);
  });

  it('falls back to tfjs under auto, with the reason, for a model without a layer list', () => {
    const { engine, record } = choose('toy-mlp', 'auto');
    expect(engine).toBeInstanceOf(TfjsEngine);
    expect(record.used).toBe('tfjs');
    expect(record.reason).toMatch(/toy-mlp.*has no layer list/);
  });

  it('refuses fused for such a model with one ConfigError line', () => {
    let error: unknown;
    try {
      choose('toy-mlp', 'fused');
    } catch (caught) {
      error = caught;
    }
    expect(isMachopError(error) && error.code).toBe('E_CONFIG');
    expect((error as Error).message).toMatch(/engine "fused" cannot run this model.*--engine tfjs/);
  });

  it('uses tfjs when asked, even for a supported model', () => {
    const { engine, record } = choose('jsc-tiny', 'tfjs');
    expect(engine).toBeInstanceOf(TfjsEngine);
    expect(record).toEqual({ requested: 'tfjs', used: 'tfjs', reason: null });
  });
});
