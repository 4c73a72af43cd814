// Writes run folders in the real format (typed by @machop/runs), so tests and the benchmark read
// what `ch train` and `ch sweep` would have written, with curves whose shape the test chooses.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  RUN_FILES,
  type MetricRecord,
  type RunConfig,
  type RunEndStatus,
  type RunSummary,
  type TestReport,
} from '@machop/runs';

export interface RunSpec {
  project: string;
  id: string;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Log train_loss_step every N steps. */
  logEvery?: number;
  /** How high this run's accuracy climbs. */
  ceiling?: number;
  sweep?: { id: string; point: Record<string, number | string> };
  /** null: no summary (a live or crashed run). */
  status?: RunEndStatus | null;
  tested?: boolean;
  /** Start time, seconds since the Unix epoch. */
  start?: number;
  /** `ch train --name` and `--tag`. */
  name?: string;
  tags?: string[];
  /** `--threads`, recorded only by runs that set it. */
  threads?: number;
}

const CLASSES = ['g', 'q', 'w', 'z', 't'];

export function config(spec: RunSpec): RunConfig {
  const batchSize = spec.batchSize ?? 256;
  const learningRate = spec.learningRate ?? 0.001;
  const seed = spec.seed ?? 0;
  return {
    format: 'machop-run',
    version: 1,
    runId: spec.id,
    project: spec.project,
    name: spec.name ?? null,
    tags: spec.tags ?? [],
    createdAt: new Date((spec.start ?? 1_790_000_000) * 1000).toISOString(),
    model: {
      name: 'jsc-tiny',
      plugin: '@machop/models',
      options: {},
      parameters: { trainable: 117, total: 149 },
    },
    dataset: {
      name: 'jsc',
      plugin: '@machop/datasets',
      options: {},
      features: 16,
      classes: 5,
      featureNames: Array.from({ length: 16 }, (_, index) => `f${index}`),
      classNames: CLASSES,
      source: { description: 'fixture', rows: 1000 },
    } as RunConfig['dataset'],
    options: {
      model: 'jsc-tiny',
      dataset: 'jsc',
      modelOptions: {},
      datasetOptions: {},
      maxEpochs: spec.epochs ?? 5,
      batchSize,
      learningRate,
      optimizer: 'adam',
      seed,
      ...(spec.threads === undefined ? {} : { threads: spec.threads }),
    },
    seed,
    split: { seed: 42, testFraction: 0.2, valFraction: 0.1 },
    // As many training rows as make the run's steps an epoch at its batch size.
    splitSizes: { train: (spec.stepsPerEpoch ?? 20) * batchSize, validation: 80, test: 200 },
    scaler: { mean: [], scale: [] },
    backend: {
      name: 'wasm',
      requested: 'auto',
      reason: 'fixture',
    } as unknown as RunConfig['backend'],
    versions: {},
    git: null,
    loadedFrom: null,
    resumes: [],
    sweep: spec.sweep ? { id: spec.sweep.id, trial: spec.id, point: spec.sweep.point, seed } : null,
    config: null,
  };
}

/** A deterministic pseudo-random number in [0, 1) from a few integers. */
function noise(...parts: number[]): number {
  let hash = 2166136261;
  for (const part of parts) hash = Math.imul(hash ^ (part * 2654435761), 16777619);
  return ((hash >>> 0) % 100_000) / 100_000;
}

/** The metric records of epochs [from, to) of a run: step losses and epoch metrics. */
export function records(spec: RunSpec, from: number, to: number): MetricRecord[] {
  const steps = spec.stepsPerEpoch ?? 20;
  const every = spec.logEvery ?? 5;
  const ceiling = spec.ceiling ?? 0.75;
  const seed = spec.seed ?? 0;
  const start = spec.start ?? 1_790_000_000;
  const result: MetricRecord[] = [];
  for (let epoch = from; epoch < to; epoch++) {
    for (let inner = 1; inner <= steps; inner++) {
      const step = epoch * steps + inner;
      if (step % every !== 0) continue;
      const loss = 1.6 * Math.exp(-step / (steps * 2)) + 0.5 + 0.1 * noise(seed, step);
      result.push({ step, epoch, time: start + step * 0.01, name: 'train_loss_step', value: loss });
    }
    const step = (epoch + 1) * steps;
    const time = start + step * 0.01;
    const accuracy = ceiling * (1 - Math.exp(-(epoch + 1) / 2)) + 0.02 * noise(seed, epoch, 7);
    result.push(
      { step, epoch, time, name: 'val_acc_epoch', value: accuracy },
      { step, epoch, time, name: 'val_loss_epoch', value: 1.5 - accuracy },
      { step, epoch, time, name: 'train_acc_epoch', value: accuracy + 0.01 },
      { step, epoch, time, name: 'lr', value: (spec.learningRate ?? 0.001) / (epoch + 1) },
    );
  }
  return result;
}

export function lines(list: readonly MetricRecord[]): string {
  return list.map((record) => JSON.stringify(record)).join('\n') + (list.length > 0 ? '\n' : '');
}

function test(spec: RunSpec, dir: string, accuracy: number): TestReport {
  const counts = CLASSES.map((_, truth) =>
    CLASSES.map((__, predicted) =>
      truth === predicted ? Math.round(40 * accuracy) : Math.round(10 * noise(truth, predicted)),
    ),
  );
  const support = counts.map((row) => row.reduce((sum, count) => sum + count, 0));
  const predicted = CLASSES.map((_, column) => counts.reduce((sum, row) => sum + row[column], 0));
  const precision = counts.map((row, index) => row[index] / predicted[index]);
  const recall = counts.map((row, index) => row[index] / support[index]);
  const f1 = precision.map((p, index) => (2 * p * recall[index]) / (p + recall[index]));
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    format: 'machop-test',
    version: 1,
    model: 'jsc-tiny',
    dataset: 'jsc',
    checkpoint: path.join(dir, 'checkpoints', 'best'),
    runDir: dir,
    classNames: CLASSES,
    size: support.reduce((sum, count) => sum + count, 0),
    loss: 0.8,
    accuracy,
    confusionMatrix: counts,
    support,
    precision,
    recall,
    f1,
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1) },
    backend: 'wasm',
    testedAt: new Date().toISOString(),
  };
}

/** Write a whole run folder; returns its path. */
export async function writeRun(projectDir: string, spec: RunSpec): Promise<string> {
  const dir = path.join(projectDir, spec.project, spec.id);
  await mkdir(dir, { recursive: true });
  const epochs = spec.epochs ?? 5;
  const all = records(spec, 0, epochs);
  await writeFile(path.join(dir, RUN_FILES.config), JSON.stringify(config(spec), null, 2));
  await writeFile(path.join(dir, RUN_FILES.metrics), lines(all));
  const status = spec.status === undefined ? 'completed' : spec.status;
  if (status !== null) {
    const final: Record<string, number> = {};
    for (const record of all) if (record.value !== null) final[record.name] = record.value;
    const summary: RunSummary = {
      status,
      reason: status === 'completed' ? null : `fixture: ${status}`,
      model: 'jsc-tiny',
      dataset: 'jsc',
      epochs,
      steps: epochs * (spec.stepsPerEpoch ?? 20),
      final,
      best: { ...final },
      bestEpoch: epochs - 1,
      bestStep: epochs * (spec.stepsPerEpoch ?? 20),
      monitor: 'val_acc_epoch',
      mode: 'max',
      testedCheckpoint: spec.tested ? 'best' : null,
      wallTimeSeconds: 1,
      trainSeconds: 1,
      samplesPerSecond: 1000,
      backend: 'wasm',
      endedAt: new Date().toISOString(),
    };
    await writeFile(path.join(dir, RUN_FILES.summary), JSON.stringify(summary, null, 2));
  }
  if (spec.tested)
    await writeFile(
      path.join(dir, RUN_FILES.test),
      JSON.stringify(test(spec, dir, final(all, 'val_acc_epoch')), null, 2),
    );
  return dir;
}

function final(list: readonly MetricRecord[], name: string): number {
  const found = list.filter((record) => record.name === name);
  return found.at(-1)?.value ?? 0;
}

/** Append more epochs to a live run's metrics.jsonl, as a training process would. */
export async function appendEpochs(
  projectDir: string,
  spec: RunSpec,
  from: number,
  to: number,
): Promise<void> {
  await appendFile(
    path.join(projectDir, spec.project, spec.id, RUN_FILES.metrics),
    lines(records(spec, from, to)),
  );
}

/** A sweep over batch size with three seeds each: the Lab 1 study the dashboard is for. */
export function sweepSpecs(): RunSpec[] {
  const specs: RunSpec[] = [];
  for (const batchSize of [64, 256])
    for (const seed of [0, 1, 2])
      specs.push({
        project: 'lab1',
        id: `bs${batchSize}-s${seed}`,
        batchSize,
        seed,
        ceiling: batchSize === 64 ? 0.74 : 0.62,
        sweep: { id: 'bs-sweep', point: { 'batch-size': batchSize } },
        tested: seed === 0,
        start: 1_790_000_000 + batchSize * 10 + seed,
        threads: 2,
      });
  return specs;
}

/**
 * Two batch-size sweeps alike but for their learning rate: their trials have the same names
 * within each sweep, so only the learning rate tells the sweeps apart.
 */
export function twinSweepSpecs(): RunSpec[] {
  return [0.001, 0.01].flatMap((learningRate, index) =>
    [64, 256].map((batchSize) => ({
      project: 'lab2',
      id: `lr${index}-bs${batchSize}`,
      batchSize,
      learningRate,
      sweep: { id: `sweep-${index + 1}`, point: { 'batch-size': batchSize } },
      start: 1_789_000_000 + index * 100 + batchSize,
    })),
  );
}
