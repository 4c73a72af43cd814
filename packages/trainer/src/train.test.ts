import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { currentBackend, tf } from '@machop/core';
import { runSettings } from '@machop/runs';
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
  learningRateAt,
  readEventFile,
  train,
  type RunConfig,
  type TestReport,
  type TrainResult,
  type TrainSummary,
  type TrainerState,
} from './index.js';
import { encodeSummaryEvent } from './tfevents/event.js';
import { encodeSessionEndSummary, encodeSessionStartSummary } from './tfevents/hparams.js';
import { ProtobufReader } from './tfevents/protobuf.js';
import { readRecords as readFramedRecords } from './tfevents/record.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('train', () => {
  let projectDir: string;
  let result: TrainResult;
  const tensorsAtEpochEnd: number[] = [];
  let tensorsBefore: number;

  beforeAll(async () => {
    await setUp();
    projectDir = await temporaryDir();
    tensorsBefore = tf.memory().numTensors;
    result = await train(toyOptions(projectDir, { maxEpochs: 4, config: { from: 'test' } }), {
      callbacks: [{ onEpochEnd: () => void tensorsAtEpochEnd.push(tf.memory().numTensors) }],
    });
  });

  afterAll(async () => {
    await rm(projectDir, { recursive: true, force: true });
  });

  it('writes every file of a run folder under <projectDir>/<project>/<runId>', async () => {
    expect(result.status).toBe('completed');
    expect(path.dirname(result.runDir)).toBe(path.join(projectDir, 'tests'));
    expect(path.basename(result.runDir)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}_\d+$/);
    const files = await readdir(result.runDir);
    for (const name of ['config.json', 'metrics.jsonl', 'summary.json', 'test.json', 'checkpoints'])
      expect(files).toContain(name);
    expect(await eventFiles(result.runDir)).toHaveLength(1);
    for (const checkpoint of ['best', 'last']) {
      expect((await readdir(path.join(result.runDir, 'checkpoints', checkpoint))).sort()).toEqual([
        'model.json',
        'optimizer.bin',
        'trainer-state.json',
        'weights.bin',
      ]);
    }
    // Atomic writes leave no temporary files behind.
    expect(files.filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('records the resolved configuration, data, backend and versions in config.json', async () => {
    const config = await readJson<RunConfig>(path.join(result.runDir, 'config.json'));
    expect(config.model.name).toBe('toy-mlp');
    expect(config.model.options).toEqual({ hidden: 8, batchNorm: true, dropout: 0.2 });
    expect(config.dataset.options).toEqual({ rows: 400, features: 4, classes: 3 });
    expect(config.options.maxEpochs).toBe(4);
    expect(config.options.optimizer).toBe('adam');
    expect(config.options.scheduler).toBe('cosine');
    expect(config.seed).toBe(0);
    expect(config.split).toEqual({ seed: 42, testFraction: 0.2, valFraction: 0.1 });
    const testSize = Math.round(400 * 0.2);
    const validationSize = Math.round((400 - testSize) * 0.1);
    expect(config.splitSizes).toEqual({
      train: 400 - testSize - validationSize,
      validation: validationSize,
      test: testSize,
    });
    expect(config.scaler.mean).toHaveLength(4);
    expect(config.backend?.name).toBe(currentBackend()?.name);
    expect(config.versions['@machop/trainer']).toMatch(/^\d+\.\d+\.\d+/);
    expect(config.config).toEqual({ from: 'test' });
    expect(config.model.parameters.trainable).toBe(4 * 8 + 8 + 2 * 8 + 8 * 3 + 3);
  });

  it('logs MASE metric names at the right steps and the lr of each epoch by the cosine formula', async () => {
    const records = await readRecords(result.runDir);
    const batches = Math.ceil(288 / 32);
    const steps = records
      .filter((record) => record.name === 'train_loss_step')
      .map((record) => record.step);
    expect(steps).toEqual(
      Array.from({ length: Math.floor((4 * batches) / 4) }, (_, index) => (index + 1) * 4),
    );
    expect(records.filter((record) => record.name === 'train_acc_step')).toHaveLength(steps.length);
    const validation = records.filter((record) => record.name === 'val_loss_epoch');
    expect(validation.map((record) => [record.epoch, record.step])).toEqual(
      [0, 1, 2, 3].map((epoch) => [epoch, (epoch + 1) * batches]),
    );
    const rates = records.filter((record) => record.name === 'lr');
    const settings = {
      scheduler: 'cosine' as const,
      learningRate: 1e-2,
      maxEpochs: 4,
      stepSize: 10,
      gamma: 0.1,
    };
    expect(rates.map((record) => record.value)).toEqual(
      [0, 1, 2, 3].map((epoch) => learningRateAt(settings, epoch)),
    );
    expect(rates.map((record) => record.step)).toEqual(
      [0, 1, 2, 3].map((epoch) => epoch * batches),
    );
    for (const name of ['val_acc_epoch', 'train_loss_epoch', 'train_acc_epoch'])
      expect(records.filter((record) => record.name === name)).toHaveLength(4);
    expect(
      records.filter((record) => record.name.startsWith('test_')).map((record) => record.name),
    ).toEqual(['test_loss_epoch', 'test_acc_epoch']);
    expect(records.every((record) => typeof record.time === 'number' && record.time > 0)).toBe(
      true,
    );
  });

  it('writes the same scalars to the TensorBoard event file', async () => {
    const [file] = await eventFiles(result.runDir);
    const scalars = await readEventFile(file);
    const records = await readRecords(result.runDir);
    expect(scalars.map(({ tag, step, value }) => ({ tag, step, value }))).toEqual(
      records.map((record) => ({
        tag: record.name,
        step: record.step,
        value: Math.fround(record.value ?? Number.NaN),
      })),
    );
  });

  it("opens the event file with the run's hyperparameters and closes it with its outcome, for TensorBoard's HParams tab", async () => {
    const [file] = await eventFiles(result.runDir);
    const events = readFramedRecords(await readFile(file), file).map((record) =>
      Buffer.from(record.data).toString('hex'),
    );
    const config = await readJson<RunConfig>(path.join(result.runDir, 'config.json'));
    const startTime = Date.parse(config.createdAt) / 1000;
    // The settings as `ch runs` names them, among them the ones this run was given.
    const hparams = Object.fromEntries(runSettings({ config }));
    expect(hparams).toMatchObject({ model: 'toy-mlp', 'max-epochs': 4, 'batch-size': 32, seed: 0 });
    const start = encodeSessionStartSummary({ hparams, group: '', startTime });
    // Right after the file_version event; the end comes after the last scalar, at its wall time.
    expect(events[1]).toBe(hex(encodeSummaryEvent(start, startTime, 0)));
    const last = events.at(-1)!;
    const reader = new ProtobufReader(Buffer.from(last, 'hex'));
    expect(reader.key().field).toBe(1);
    const endTime = reader.double();
    const end = encodeSessionEndSummary({ status: 'success', endTime });
    expect(last).toBe(hex(encodeSummaryEvent(end, endTime, 0)));
  });

  it('summarises best and final metrics, and tests the best checkpoint', async () => {
    const summary = await readJson<TrainSummary>(path.join(result.runDir, 'summary.json'));
    expect(summary).toEqual(result.summary);
    const records = await readRecords(result.runDir);
    const last = (name: string) => records.filter((record) => record.name === name).at(-1)!.value;
    expect(summary.epochs).toBe(4);
    expect(summary.steps).toBe(4 * 9);
    for (const name of ['val_loss_epoch', 'test_acc_epoch', 'lr', 'train_loss_step'])
      expect(summary.final[name]).toBe(last(name));
    const losses = records.filter((record) => record.name === 'val_loss_epoch');
    const best = losses.reduce((a, b) => (b.value! < a.value! ? b : a));
    expect(summary.bestEpoch).toBe(best.epoch);
    expect(summary.best?.val_loss_epoch).toBe(best.value);
    expect(summary.testedCheckpoint).toBe('best');
    expect(summary.samplesPerSecond).toBeGreaterThan(0);
    const state = await readJson<TrainerState>(
      path.join(result.runDir, 'checkpoints', 'best', 'trainer-state.json'),
    );
    expect(state.position.globalStep).toBe(best.step);
    const report = await readJson<TestReport>(path.join(result.runDir, 'test.json'));
    expect(report.loss).toBe(last('test_loss_epoch'));
    expect(report.accuracy).toBe(last('test_acc_epoch'));
    expect(report.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(80);
  });

  it('keeps the number of tensors flat across epochs and frees them at the end', () => {
    expect(tensorsAtEpochEnd).toHaveLength(4);
    expect(new Set(tensorsAtEpochEnd.slice(1)).size).toBe(1);
    expect(tensorsAtEpochEnd[0]).toBe(tensorsAtEpochEnd[3]);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('repeats a run exactly with the same seed and differs with another', async () => {
    const options = toyOptions(projectDir, { maxEpochs: 2, test: false });
    const [first, second, other] = [
      await train(options),
      await train(options),
      await train({ ...options, seed: 1 }),
    ];
    const metrics = await readRecordsWithoutTime(first.runDir);
    expect(await readRecordsWithoutTime(second.runDir)).toEqual(metrics);
    expect(await readRecordsWithoutTime(other.runDir)).not.toEqual(metrics);
    expect(new Set([first.runDir, second.runDir, other.runDir]).size).toBe(3);
    expect(existsSync(path.join(first.runDir, 'test.json'))).toBe(false);
  });
});
