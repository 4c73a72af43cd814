// Test helper: run folders written in the shapes of @machop/runs (config.json, metrics.jsonl,
// summary.json), as the trainer writes them, so the tests read them through the real reader.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runPaths, type MetricRecord, type RunConfig, type RunSummary } from '@machop/runs';

export interface FakeRun {
  id: string;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  epochs?: number;
  /** Training rows: with the batch size, how many steps an epoch has. */
  trainRows?: number;
  /** val_acc_epoch after epoch e (0-based). */
  accuracy?: (epoch: number) => number;
  /** The run died (or is still going) after this many epochs: no summary.json. */
  diedAfter?: number;
  /** Text appended to metrics.jsonl after the records, such as a torn line. */
  tail?: string;
  sweep?: string;
}

export function tempProjectDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'machop-plot-'));
}

const CREATED = Date.parse('2026-11-30T10:00:00.000Z') / 1000;

/** Write a run folder under `<root>/<project>/<id>` and return its path. */
export function writeRun(root: string, project: string, run: FakeRun): string {
  const batchSize = run.batchSize ?? 256;
  const learningRate = run.learningRate ?? 1e-3;
  const seed = run.seed ?? 0;
  const epochs = run.epochs ?? 3;
  const trainRows = run.trainRows ?? 2048;
  const accuracy = run.accuracy ?? ((epoch: number) => 0.5 + 0.05 * epoch + 0.01 * seed);
  const stepsPerEpoch = Math.ceil(trainRows / batchSize);
  const dir = path.join(root, project, run.id);
  mkdirSync(dir, { recursive: true });
  const config: RunConfig = {
    format: 'machop-run',
    version: 1,
    runId: run.id,
    project,
    createdAt: new Date(CREATED * 1000).toISOString(),
    model: {
      name: 'jsc-tiny',
      plugin: 'built-in',
      options: {},
      parameters: { trainable: 117, total: 149 },
    },
    dataset: {
      name: 'jsc',
      plugin: 'built-in',
      options: {},
      features: 16,
      classes: 5,
      featureNames: [],
      classNames: ['g', 'q', 'w', 'z', 't'],
      source: {
        description: 'OpenML 42468 (hls4ml_lhc_jets_hlf)',
        rows: 4000,
        duplicatesDropped: 0,
      },
    },
    options: {
      model: 'jsc-tiny',
      dataset: 'jsc',
      modelOptions: {},
      datasetOptions: {},
      maxEpochs: epochs,
      batchSize,
      learningRate,
      weightDecay: 0,
      optimizer: 'adam',
      scheduler: 'cosine',
      stepSize: 10,
      gamma: 0.1,
      seed,
      logEveryNSteps: 2,
      split: { seed: 42, testFraction: 0.2, valFraction: 0.1 },
      monitor: 'val_loss_epoch',
      mode: 'min',
      earlyStoppingPatience: null,
      maxTimeSeconds: null,
      test: true,
      projectDir: root,
      project,
    },
    seed,
    split: { seed: 42, testFraction: 0.2, valFraction: 0.1 },
    splitSizes: { train: trainRows, validation: 256, test: 640 },
    scaler: { mean: [], scale: [] },
    backend: null,
    versions: { '@machop/trainer': '0.1.0' },
    git: null,
    loadedFrom: null,
    resumes: [],
    sweep: run.sweep
      ? { id: run.sweep, trial: run.id, point: { 'batch-size': batchSize }, seed }
      : null,
    config: null,
  };
  const records: MetricRecord[] = [];
  let time = CREATED + 1;
  for (let epoch = 0; epoch < (run.diedAfter ?? epochs); epoch++) {
    for (let step = epoch * stepsPerEpoch + 1; step <= (epoch + 1) * stepsPerEpoch; step++) {
      time += 0.05;
      if (step % 2 === 0)
        records.push({
          step,
          epoch,
          time,
          name: 'train_loss_step',
          value: 1.6 / (1 + step * 0.1) + 0.01 * seed,
        });
    }
    const step = (epoch + 1) * stepsPerEpoch;
    records.push({ step, epoch, time, name: 'lr', value: learningRate });
    records.push({ step, epoch, time, name: 'val_acc_epoch', value: accuracy(epoch) });
    records.push({ step, epoch, time, name: 'val_loss_epoch', value: 1.5 - accuracy(epoch) });
  }
  writeFileSync(runPaths(dir).config, JSON.stringify(config, null, 2) + '\n');
  writeFileSync(
    runPaths(dir).metrics,
    records.map((record) => JSON.stringify(record) + '\n').join('') + (run.tail ?? ''),
  );
  if (run.diedAfter === undefined) {
    const last = records.filter((record) => record.name === 'val_acc_epoch').at(-1)!;
    const summary: RunSummary = {
      status: 'completed',
      reason: null,
      model: 'jsc-tiny',
      dataset: 'jsc',
      epochs,
      steps: epochs * stepsPerEpoch,
      final: { val_acc_epoch: last.value!, val_loss_epoch: 1.5 - last.value! },
      best: { val_acc_epoch: last.value!, val_loss_epoch: 1.5 - last.value! },
      bestEpoch: epochs - 1,
      bestStep: epochs * stepsPerEpoch,
      monitor: 'val_loss_epoch',
      mode: 'min',
      testedCheckpoint: null,
      wallTimeSeconds: time - CREATED,
      trainSeconds: time - CREATED,
      samplesPerSecond: 1000,
      backend: 'wasm',
      endedAt: new Date(time * 1000).toISOString(),
    };
    writeFileSync(runPaths(dir).summary, JSON.stringify(summary, null, 2) + '\n');
  }
  return dir;
}
