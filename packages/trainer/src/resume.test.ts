import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError, ConfigError, mixSeed, stepSeed } from '@machop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventFiles,
  readJson,
  readRecords,
  readRecordsWithoutTime,
  setUp,
  temporaryDir,
  toyOptions,
} from '../fixtures/helpers.js';
import {
  readEventFile,
  train,
  type BatchContext,
  type Callback,
  type TestReport,
  type TrainerState,
  type TrainSummary,
} from './index.js';

/** Aborts the run from inside a hook, as Ctrl-C would between two steps. */
function abortAt(
  when: 'batch' | 'epoch',
  count: number,
): { controller: AbortController; callback: Callback } {
  const controller = new AbortController();
  const callback: Callback =
    when === 'batch'
      ? { onBatchEnd: (context) => (context.globalStep === count ? controller.abort() : undefined) }
      : { onEpochEnd: (context) => (context.epoch + 1 === count ? controller.abort() : undefined) };
  return { controller, callback };
}

/** Records the dropout seed of every step. */
function seedRecorder(seeds: Map<number, number>): Callback {
  return { onBatchEnd: (context: BatchContext) => void seeds.set(context.globalStep, stepSeed()) };
}

describe('abort and resume', () => {
  let projectDir: string;
  let uninterrupted: string;
  const seeds = new Map<number, number>();
  const options = () =>
    toyOptions(projectDir, { seed: 5, logEveryNSteps: 3, optimizer: 'sgd', weightDecay: 1e-3 });

  beforeAll(async () => {
    await setUp();
    projectDir = await temporaryDir();
    uninterrupted = (await train(options(), { callbacks: [seedRecorder(seeds)] })).runDir;
  });

  afterAll(async () => {
    await rm(projectDir, { recursive: true, force: true });
  });

  it('sets the dropout seed from (seed, step) before every step', () => {
    expect(seeds.size).toBe(27);
    for (const [step, seed] of seeds) expect(seed).toBe(mixSeed(5, step - 1));
  });

  it('ends an aborted run after the current step with checkpoints/last and status interrupted', async () => {
    const { controller, callback } = abortAt('batch', 13);
    const result = await train(options(), { callbacks: [callback], signal: controller.signal });
    expect(result.status).toBe('interrupted');
    const summary = await readJson<TrainSummary>(path.join(result.runDir, 'summary.json'));
    expect(summary.status).toBe('interrupted');
    expect(summary.steps).toBe(13);
    const state = await readJson<TrainerState>(
      path.join(result.runDir, 'checkpoints', 'last', 'trainer-state.json'),
    );
    expect(state.position).toEqual({ epoch: 1, batch: 4, globalStep: 13 });
    expect(existsSync(path.join(result.runDir, 'test.json'))).toBe(false);
    expect((await readRecords(result.runDir)).at(-1)!.step).toBeLessThanOrEqual(13);
  });

  for (const [when, count] of [
    ['batch', 13],
    ['batch', 9],
    ['epoch', 1],
    // After the last epoch's checkpoint, before the end-of-run test: resuming only finishes it.
    ['epoch', 3],
  ] as const) {
    it(`resumes a run aborted after ${when} ${count} to the same metrics as an uninterrupted run`, async () => {
      const { controller, callback } = abortAt(when, count);
      const interrupted = await train(options(), {
        callbacks: [callback],
        signal: controller.signal,
      });
      const resumedSeeds = new Map<number, number>();
      const resumed = await train(
        { model: 'toy-mlp', dataset: 'toy-blobs', resume: interrupted.runDir },
        { callbacks: [seedRecorder(resumedSeeds)] },
      );
      expect(resumed.status).toBe('completed');
      expect(resumed.runDir).toBe(interrupted.runDir);
      expect(await readRecordsWithoutTime(resumed.runDir)).toEqual(
        await readRecordsWithoutTime(uninterrupted),
      );
      for (const [step, seed] of resumedSeeds) expect(seed).toBe(seeds.get(step));
      const [events] = await eventFiles(resumed.runDir);
      expect((await eventFiles(resumed.runDir)).length).toBe(1);
      expect((await readEventFile(events)).map((scalar) => scalar.tag)).toEqual(
        (await readRecords(resumed.runDir)).map((record) => record.name),
      );
      const report = await readJson<TestReport>(path.join(resumed.runDir, 'test.json'));
      expect(report.confusionMatrix).toEqual(
        (await readJson<TestReport>(path.join(uninterrupted, 'test.json'))).confusionMatrix,
      );
      const config = await readJson<{ resumes: unknown[] }>(
        path.join(resumed.runDir, 'config.json'),
      );
      expect(config.resumes).toHaveLength(1);
    });
  }

  it('refuses options that contradict the run, and a run with nothing left to train', async () => {
    await expect(
      train({ model: 'toy-mlp', dataset: 'toy-blobs', resume: uninterrupted, batchSize: 64 }),
    ).rejects.toThrow(/batchSize \(--batch-size\) is 64 but run .* was trained with 32/);
    await expect(
      train({ model: 'toy-other', dataset: 'toy-blobs', resume: uninterrupted }),
    ).rejects.toThrow(ConfigError);
    await expect(
      train({ model: 'toy-mlp', dataset: 'toy-blobs', resume: uninterrupted }),
    ).rejects.toThrow(/already trained 3 epochs/);
    await expect(
      train({ model: 'toy-mlp', dataset: 'toy-blobs', resume: projectDir }),
    ).rejects.toThrow(CheckpointError);
  });

  it('trains further when resumed with a larger maxEpochs', async () => {
    const first = await train(toyOptions(projectDir, { maxEpochs: 1, test: false }));
    const more = await train({
      model: 'toy-mlp',
      dataset: 'toy-blobs',
      resume: first.runDir,
      maxEpochs: 2,
    });
    expect(more.summary.epochs).toBe(2);
    expect(
      (await readRecords(more.runDir)).filter((record) => record.name === 'val_loss_epoch'),
    ).toHaveLength(2);
  });
});
