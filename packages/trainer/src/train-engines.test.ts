// Whole runs on both engines: the same seed gives the same run, whichever engine trains it.
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
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

describe('a jsc-custom run on two threads', () => {
  it('reaches the metrics of one thread, records its threads and resumes to the uninterrupted run', async () => {
    const options = toyOptions(dir, { model: 'jsc-custom', seed: 4, batchSize: 64, maxEpochs: 4 });
    const run = async (threads: 1 | 2, project: string) => {
      const result = await train({ ...options, threads, project });
      const config = await readJson<{ options: { threads: number }; engine: { threads: number } }>(
        `${result.runDir}/config.json`,
      );
      expect(config.options.threads).toBe(threads);
      expect(config.engine.threads).toBe(threads);
      return result;
    };
    const one = (await run(1, 'threads-1')).summary.final;
    const whole = await run(2, 'threads-2');
    const two = whole.summary.final;
    // Training takes the same steps up to rounding. Inference differs a little more: jsc-custom's
    // dense biases before a batch norm have a true gradient of zero and move on rounding noise
    // under Adam, and the running means that follow them (see fused-parity.test.ts); on this
    // toy set's 32 validation rows that can flip one prediction.
    expect(
      Math.abs(two.train_loss_epoch - one.train_loss_epoch) / one.train_loss_epoch,
    ).toBeLessThan(1e-6);
    for (const name of ['val_loss_epoch', 'test_loss_epoch'])
      expect(Math.abs(two[name] - one[name]), name).toBeLessThan(0.002);
    for (const name of ['val_acc_epoch', 'test_acc_epoch'])
      expect(Math.abs(two[name] - one[name]), name).toBeLessThanOrEqual(1 / 32);
    // Stopped mid-epoch (as Ctrl-C would) and resumed: the worker thread gets the checkpoint's
    // weights and optimizer state, and the run ends exactly as the uninterrupted one.
    const controller = new AbortController();
    const stopped = await train(
      { ...options, threads: 2, project: 'threads-2-resumed' },
      {
        signal: controller.signal,
        callbacks: [
          { onBatchEnd: (context) => void (context.globalStep === 7 && controller.abort()) },
        ],
      },
    );
    expect(stopped.status).toBe('interrupted');
    const { project: _project, ...runOptions } = options;
    const resumed = await train({ ...runOptions, resume: stopped.runDir });
    expect(resumed.summary.final).toEqual(two);
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
    // A test evaluates on two threads from two cores on (threads auto).
    const threads = availableParallelism() >= 2 ? 2 : 1;
    expect(fused.engine).toEqual({
      requested: 'fused',
      used: 'fused',
      reason: null,
      threads,
      evaluationThreads: threads,
    });
    expect(tfjs.engine).toEqual({
      requested: 'tfjs',
      used: 'tfjs',
      reason: null,
      threads: 1,
      evaluationThreads: 1,
    });
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
      threads: 1,
      evaluationThreads: 1,
    });
    expect(lines).toContain(
      `engine: tfjs (the fused engine cannot run it: ${report.engine!.reason})`,
    );
  }, 60_000);
});
