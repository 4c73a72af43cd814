// Whole runs on both engines: the same seed gives the same run, whichever engine trains it.
import { rm } from 'node:fs/promises';
import { loadPlugins } from '@machop/core';
import modelsPlugin from '@machop/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, setUp, temporaryDir, toyOptions } from '../fixtures/helpers.js';
import { test } from './test-run.js';
import { train } from './train.js';

let dir: string;

beforeAll(async () => {
  await setUp();
  await loadPlugins([modelsPlugin]);
  dir = await temporaryDir();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(['jsc-custom', 'mlp'])('a %s run on the fused and the tfjs engine', (model) => {
  it('reaches the same validation and test metrics (within 0.002) for the same seed', async () => {
    const run = async (engine: 'fused' | 'tfjs') => {
      const result = await train(
        toyOptions(dir, { model, engine, maxEpochs: 4, seed: 3, project: `${model}-${engine}` }),
      );
      const config = await readJson<{ engine: { used: string } }>(`${result.runDir}/config.json`);
      expect(config.engine.used).toBe(engine);
      return result.summary.final;
    };
    const fused = await run('fused');
    const tfjs = await run('tfjs');
    for (const name of ['val_acc_epoch', 'test_acc_epoch', 'val_loss_epoch', 'train_loss_epoch'])
      expect(Math.abs(fused[name] - tfjs[name]), name).toBeLessThan(0.002);
  }, 120_000);
});

describe('a checkpoint of one engine', () => {
  it('resumes on the other, which continues as the first would have', async () => {
    const options = toyOptions(dir, { model: 'jsc-toy', maxEpochs: 2, seed: 8, test: false });
    const { project: _project, ...runOptions } = options;
    const resumeOn = async (engine: 'fused' | 'tfjs', project: string) => {
      const first = await train({ ...options, engine: 'fused', project });
      const resumed = await train({ ...runOptions, resume: first.runDir, maxEpochs: 4, engine });
      expect(resumed.status).toBe('completed');
      expect(resumed.summary.epochs).toBe(4);
      const config = await readJson<{ engine: { used: string } }>(`${first.runDir}/config.json`);
      expect(config.engine.used).toBe(engine);
      return resumed.summary.final;
    };
    const other = await resumeOn('tfjs', 'cross-tfjs');
    const same = await resumeOn('fused', 'cross-fused');
    for (const name of ['val_loss_epoch', 'val_acc_epoch', 'train_loss_epoch'])
      expect(Math.abs(other[name] - same[name]), name).toBeLessThan(1e-3);
  }, 120_000);
});

describe('testing a checkpoint', () => {
  it('gives the same metrics on the fused and the tfjs engine, and the run logs the fused ones', async () => {
    const run = await train(
      toyOptions(dir, { model: 'jsc-custom', maxEpochs: 2, seed: 5, project: 'test-engines' }),
    );
    // The end-of-run test went through the run's engine (auto: fused); read before test() rewrites it.
    const atEnd = await readJson<{ engine: { used: string } }>(`${run.runDir}/test.json`);
    expect(atEnd.engine.used).toBe('fused');
    const fused = (await test({ load: run.runDir, engine: 'fused' })).report;
    const tfjs = (await test({ load: run.runDir, engine: 'tfjs' })).report;
    expect(fused.engine).toEqual({ requested: 'fused', used: 'fused', reason: null });
    expect(tfjs.engine).toEqual({ requested: 'tfjs', used: 'tfjs', reason: null });
    expect(fused.size).toBe(tfjs.size);
    expect(Math.abs(fused.loss - tfjs.loss)).toBeLessThan(1e-5);
    expect(fused.confusionMatrix).toEqual(tfjs.confusionMatrix);
    expect(fused.accuracy).toBe(tfjs.accuracy);
    fused.auc!.forEach((auc, index) =>
      expect(Math.abs(auc! - tfjs.auc![index]!)).toBeLessThan(1e-6),
    );
    expect(run.summary.final.test_acc_epoch).toBe(fused.accuracy);
    expect(Math.abs(run.summary.final.test_loss_epoch - fused.loss)).toBeLessThan(1e-6);
  }, 120_000);

  it('falls back to tfjs under auto with the reason when the model has no layer list', async () => {
    const run = await train(
      toyOptions(dir, { maxEpochs: 1, test: false, project: 'test-fallback' }),
    );
    const lines: string[] = [];
    const { report } = await test(
      { load: run.runDir },
      { reporter: { info: (line) => lines.push(line) } },
    );
    expect(report.engine).toEqual({
      requested: 'auto',
      used: 'tfjs',
      reason: expect.stringContaining('has no layer list'),
    });
    expect(lines).toContain(
      `engine: tfjs (the fused engine cannot run it: ${report.engine!.reason})`,
    );
  }, 60_000);
});
