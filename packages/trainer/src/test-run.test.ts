import { cp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError } from '@machop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, setUp, temporaryDir, toyOptions } from '../fixtures/helpers.js';
import { test, train, type TrainResult } from './index.js';

describe('test', () => {
  let workDir: string;
  let run: TrainResult;

  beforeAll(async () => {
    await setUp();
    workDir = await temporaryDir();
    run = await train(toyOptions(workDir, { maxEpochs: 2, test: false }));
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('evaluates the best checkpoint of a run on its test split and writes test.json into the run', async () => {
    const result = await test({ load: run.runDir });
    expect(result.file).toBe(path.join(run.runDir, 'test.json'));
    expect(result.checkpointDir).toBe(path.join(run.runDir, 'checkpoints', 'best'));
    const report = result.report;
    expect(await readJson(result.file)).toEqual(JSON.parse(JSON.stringify(report)));
    expect(report.size).toBe(80);
    const matrix = report.confusionMatrix;
    const correct = matrix.reduce((sum, row, index) => sum + row[index], 0);
    expect(report.accuracy).toBeCloseTo(correct / 80, 12);
    matrix.forEach((row, index) => {
      const predicted = matrix.reduce((sum, other) => sum + other[index], 0);
      expect(report.support[index]).toBe(row.reduce((a, b) => a + b, 0));
      expect(report.recall[index]).toBeCloseTo(row[index] / report.support[index], 12);
      expect(report.precision[index]).toBeCloseTo(predicted > 0 ? row[index] / predicted : 0, 12);
    });
    expect(report.auc).toHaveLength(3);
    expect(report.classNames).toEqual(['c0', 'c1', 'c2']);
    expect(Number.isFinite(report.loss)).toBe(true);
  });

  it('gives the numbers train logs at the end, with any batch size', async () => {
    const tested = await train(toyOptions(workDir, { maxEpochs: 2 }));
    const { report } = await test({ load: tested.runDir, batchSize: 7 });
    expect(report.accuracy).toBe(tested.summary.final.test_acc_epoch);
    expect(report.loss).toBeCloseTo(tested.summary.final.test_loss_epoch, 6);
  });

  it('takes a checkpoint folder and writes test.json into its run', async () => {
    const result = await test({ load: path.join(run.runDir, 'checkpoints', 'last') });
    expect(result.runDir).toBe(run.runDir);
    expect(result.file).toBe(path.join(run.runDir, 'test.json'));
  });

  it('starts training from the weights of a loaded run', async () => {
    const still = { modelOptions: { batchNorm: false, dropout: 0 }, test: false };
    const source = await train(toyOptions(workDir, { ...still, maxEpochs: 2 }));
    // At a negligible learning rate the loaded weights stay put, so the first validation loss is the checkpoint's.
    const loaded = await train(
      toyOptions(workDir, {
        ...still,
        maxEpochs: 1,
        scheduler: 'none',
        learningRate: 1e-30,
        load: source.runDir,
      }),
    );
    expect(loaded.summary.final.val_loss_epoch).toBe(source.summary.best?.val_loss_epoch);
    expect((await readJson(path.join(loaded.runDir, 'config.json'))).loadedFrom).toBe(
      path.join(source.runDir, 'checkpoints', 'best'),
    );
  });

  it('refuses a checkpoint of another model or another feature count', async () => {
    await expect(test({ load: run.runDir, model: 'toy-other' })).rejects.toThrow(
      /trained for model "toy-mlp", not "toy-other"/,
    );
    await expect(test({ load: run.runDir, datasetOptions: { features: 5 } })).rejects.toThrow(
      /expects 4 features and 3 classes, but data set "toy-blobs" has 5 features/,
    );
    await expect(
      train(toyOptions(workDir, { model: 'toy-other', load: run.runDir })),
    ).rejects.toThrow(CheckpointError);
  });

  it('refuses corrupt checkpoints with a CheckpointError naming the file', async () => {
    const copy = path.join(workDir, 'corrupt');
    await cp(path.join(run.runDir, 'checkpoints', 'best'), copy, { recursive: true });
    const weights = path.join(copy, 'weights.bin');
    const bytes = await readFile(weights);
    await truncate(weights, bytes.byteLength - 4);
    await expect(test({ load: copy })).rejects.toThrow(/corrupt: weights hold/);
    await writeFile(weights, bytes);
    await writeFile(path.join(copy, 'trainer-state.json'), '{"format": "machop-trai');
    await expect(test({ load: copy })).rejects.toThrow(/trainer-state.json is corrupt/);
    await rm(path.join(copy, 'trainer-state.json'));
    await expect(test({ load: copy })).rejects.toThrow(/not a Machop.ts checkpoint/);
    await expect(test({ load: path.join(workDir, 'missing') })).rejects.toThrow(CheckpointError);
  });
});
