import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, readRecords, setUp, temporaryDir, toyOptions } from '../fixtures/helpers.js';
import { train, type TrainerState, type TrainOptions } from './index.js';

// Without batch norm and dropout, a model whose learning rate is negligible gives the same
// validation numbers every epoch: a fixed point that makes stopping and schedules observable.
const frozen: Partial<TrainOptions> = {
  modelOptions: { batchNorm: false, dropout: 0 },
  scheduler: 'none',
  learningRate: 1e-30,
  test: false,
};

async function validationLosses(runDir: string): Promise<(number | null)[]> {
  return (await readRecords(runDir))
    .filter((record) => record.name === 'val_loss_epoch')
    .map((record) => record.value);
}

describe('built-in callbacks', () => {
  let projectDir: string;

  beforeAll(async () => {
    await setUp();
    projectDir = await temporaryDir();
  });

  afterAll(async () => {
    await rm(projectDir, { recursive: true, force: true });
  });

  it('stops early after patience epochs without improvement', async () => {
    const result = await train(
      toyOptions(projectDir, { ...frozen, maxEpochs: 10, earlyStoppingPatience: 2 }),
    );
    const losses = await validationLosses(result.runDir);
    expect(new Set(losses).size).toBe(1);
    expect(result.status).toBe('early-stopped');
    expect(result.summary.epochs).toBe(1 + 2);
    expect(losses).toHaveLength(3);
    expect(result.summary.reason).toMatch(/val_loss_epoch did not improve for 2 epochs/);
    expect(result.summary.bestEpoch).toBe(0);
  });

  it('does not stop while the monitored metric improves in its mode', async () => {
    const result = await train(
      toyOptions(projectDir, {
        maxEpochs: 3,
        earlyStoppingPatience: 1,
        monitor: 'train_loss_epoch',
        test: false,
      }),
    );
    const losses = (await readRecords(result.runDir))
      .filter((record) => record.name === 'train_loss_epoch')
      .map((record) => record.value!);
    // The premise: training loss fell every epoch at this learning rate.
    expect(losses.every((loss, index) => index === 0 || loss < losses[index - 1])).toBe(true);
    expect(result.status).toBe('completed');
  });

  it('ends cleanly at the time limit after the current step, saving and testing the last checkpoint', async () => {
    const result = await train(toyOptions(projectDir, { maxEpochs: 5, maxTimeSeconds: 1e-9 }));
    expect(result.status).toBe('time-limit');
    expect(result.summary.steps).toBe(1);
    const state = await readJson<TrainerState>(
      path.join(result.runDir, 'checkpoints', 'last', 'trainer-state.json'),
    );
    expect(state.position).toEqual({ epoch: 0, batch: 1, globalStep: 1 });
    expect(existsSync(path.join(result.runDir, 'checkpoints', 'best'))).toBe(false);
    expect(result.summary.testedCheckpoint).toBe('last');
    expect(existsSync(path.join(result.runDir, 'test.json'))).toBe(true);
  });

  it('applies the step schedule: after a decay to a negligible rate the validation loss stops changing', async () => {
    const base = { ...frozen, learningRate: 1e-2, maxEpochs: 3 };
    const decayed = await validationLosses(
      (
        await train(
          toyOptions(projectDir, { ...base, scheduler: 'step', stepSize: 1, gamma: 1e-30 }),
        )
      ).runDir,
    );
    const constant = await validationLosses((await train(toyOptions(projectDir, base))).runDir);
    expect(decayed[0]).toBe(constant[0]);
    expect(decayed[1]).toBe(decayed[0]);
    expect(decayed[2]).toBe(decayed[0]);
    expect(constant[1]).not.toBe(constant[0]);
  });

  it('calls user callbacks with progress a display can render', async () => {
    const batches: {
      epoch: number;
      batch: number;
      batches: number;
      loss: number;
      accuracy: number;
      samplesPerSecond: number;
    }[] = [];
    const epochs: { metrics: Readonly<Record<string, number>>; seconds: number }[] = [];
    const events: string[] = [];
    await train(toyOptions(projectDir, { maxEpochs: 1, test: false }), {
      callbacks: [
        {
          onTrainStart: () => void events.push('start'),
          onEpochStart: () => void events.push('epoch'),
          onBatchEnd: (context) =>
            void batches.push({
              epoch: context.epoch,
              batch: context.batch,
              batches: context.batches,
              loss: context.loss,
              accuracy: context.accuracy,
              samplesPerSecond: context.samplesPerSecond,
            }),
          onEpochEnd: (context) =>
            void epochs.push({ metrics: { ...context.metrics }, seconds: context.seconds }),
          onTrainEnd: (context) => void events.push(`end ${context.status}`),
        },
      ],
    });
    expect(events).toEqual(['start', 'epoch', 'end completed']);
    expect(batches.map((entry) => entry.batch)).toEqual(
      Array.from({ length: 9 }, (_, index) => index + 1),
    );
    expect(
      batches.every(
        (entry) =>
          entry.batches === 9 &&
          Number.isFinite(entry.loss) &&
          entry.accuracy >= 0 &&
          entry.accuracy <= 1 &&
          entry.samplesPerSecond > 0,
      ),
    ).toBe(true);
    expect(Object.keys(epochs[0].metrics).sort()).toEqual([
      'lr',
      'train_acc_epoch',
      'train_loss_epoch',
      'val_acc_epoch',
      'val_loss_epoch',
    ]);
    // The epoch's training loss is the sample-weighted mean of its steps' losses.
    const sizes = [...Array(8).fill(32), 288 - 8 * 32] as number[];
    const mean = batches.reduce((sum, entry, index) => sum + entry.loss * sizes[index], 0) / 288;
    expect(epochs[0].metrics.train_loss_epoch).toBeCloseTo(mean, 5);
  });
});
