import { availableParallelism } from 'node:os';
import { getRegistry, isMachopError, loadPlugins, tf } from '@machop/core';
import { FusedEngine, planModel, suggestThreads } from '@machop/engine-fused';
import modelsPlugin from '@machop/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { setUp } from '../fixtures/helpers.js';
import { chooseEngine } from './choose-engine.js';
import { BUILTIN_ENGINES } from './tfjs-engine-entry.js';
import type { EngineChoice, ThreadsChoice } from './options.js';
import { TfjsEngine } from './tfjs-engine.js';

beforeAll(async () => {
  await setUp();
  await loadPlugins([modelsPlugin, ...BUILTIN_ENGINES]);
});

const shape = { features: 16, classes: 5 };
const optimizer = { kind: 'adam', learningRate: 1e-3, weightDecay: 0 } as const;

// The trainer fixtures' toy-mlp is built by `create` only, with no layer list.
const TOY_OPTIONS = { hidden: 8, batchNorm: false, dropout: 0 };

function choose(
  name: string,
  choice: EngineChoice,
  threads?: { threads: ThreadsChoice; batchSize: number },
) {
  const entry = getRegistry().models.get(name);
  const modelOptions = name === 'toy-mlp' ? TOY_OPTIONS : {};
  const model = entry.create({ ...shape, options: modelOptions, seed: 1, tf });
  return chooseEngine(choice, {
    entry,
    shape,
    modelOptions,
    seed: 1,
    model,
    optimizer,
    ...threads,
  });
}

describe('chooseEngine', () => {
  it('runs a model with a supported layer list on the fused engine under auto', () => {
    const { engine, record } = choose('jsc-custom', 'auto');
    expect(engine).toBeInstanceOf(FusedEngine);
    expect(record).toEqual({
      requested: 'auto',
      used: 'fused',
      reason: null,
      threads: 1,
      evaluationThreads: 1,
    });
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
    expect(record).toEqual({
      requested: 'tfjs',
      used: 'tfjs',
      reason: null,
      threads: 1,
      evaluationThreads: 1,
    });
  });

  it('gives the fused engine the threads asked for, and under auto what suits the step', () => {
    const two = choose('jsc-s', 'auto', { threads: 2, batchSize: 64 });
    expect(two.record.threads).toBe(2);
    expect((two.engine as FusedEngine).threads).toBe(2);
    two.engine.dispose();
    // jsc-s: 5,280 dense multiply-adds a row; jsc-tiny: 80.
    const layers = (name: string) =>
      getRegistry().models.get(name).layers!({ ...shape, options: {}, seed: 1 });
    const cores = availableParallelism();
    for (const [name, batchSize] of [
      ['jsc-s', 1024],
      ['jsc-tiny', 64],
    ] as const) {
      const { engine, record } = choose(name, 'auto', { threads: 'auto', batchSize });
      const plan = planModel(layers(name), { ...shape, seed: 1 });
      expect(record.threads).toBe(suggestThreads(plan, batchSize, cores));
      // Evaluation splits large batches whatever the training batch size.
      expect(record.evaluationThreads).toBe(cores >= 2 ? 2 : 1);
      expect((engine as FusedEngine).threads).toBe(record.threads);
      engine.dispose();
    }
    expect(suggestThreads(planModel(layers('jsc-s'), { ...shape, seed: 1 }), 1024, 2)).toBe(2);
    expect(suggestThreads(planModel(layers('jsc-s'), { ...shape, seed: 1 }), 1024, 1)).toBe(1);
    expect(suggestThreads(planModel(layers('jsc-tiny'), { ...shape, seed: 1 }), 64, 2)).toBe(1);
    // From batch 1024 (each thread 512 rows) and 65,536 dense multiply-adds a step.
    expect(suggestThreads(planModel(layers('jsc-s'), { ...shape, seed: 1 }), 512, 2)).toBe(1);
    expect(suggestThreads(planModel(layers('jsc-tiny'), { ...shape, seed: 1 }), 1024, 2)).toBe(2);
  });

  it('refuses two threads on tfjs with one ConfigError line', () => {
    for (const [name, choice] of [
      ['jsc-tiny', 'tfjs'],
      ['toy-mlp', 'auto'],
    ] as const) {
      let error: unknown;
      try {
        choose(name, choice, { threads: 2, batchSize: 256 });
      } catch (caught) {
        error = caught;
      }
      expect(isMachopError(error) && error.code).toBe('E_CONFIG');
      expect((error as Error).message).toMatch(
        /^threads \(--threads\) 2 needs the fused engine, but this run uses tfjs \(.+\); leave threads at auto or 1$/,
      );
    }
  });
});
