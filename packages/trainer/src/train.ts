import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  loadPlugins,
  CheckpointError,
  ConfigError,
  currentBackend,
  defaultCacheDir,
  getRegistry,
  initBackend,
  type LayersModel,
  type Reporter,
  type TabularDataset,
  resolveEntryOptions,
  IoError,
  isMachopError,
} from '@machop/core';
import {
  acquireRunLock,
  checkRunName,
  checkWritable,
  createRunDir,
  RunWriter,
  type RunLock,
  type RunSummary,
} from '@machop/runs';
import { quantizedEntry } from './quantized-entry.js';
import { buildModel, countParameters } from './build-model.js';
import type { Callback, TrainStatus } from './callbacks.js';
import {
  checkCheckpointFits,
  loadCheckpointWeights,
  locateCheckpoint,
  readOptimizerState,
  readTrainerState,
  writeCheckpoint,
  type TrainerState,
} from './checkpoint-io.js';
import { DivergenceStop } from './divergence.js';
import { EarlyStopping } from './early-stopping.js';
import { TrainingLoop, type LoopOutcome } from './loop.js';
import { MaxTime } from './max-time.js';
import { MetricsLog } from './metrics-log.js';
import { ModelCheckpoint } from './model-checkpoint.js';
import {
  defaultProject,
  folderName,
  projectDirOf,
  resolveTrainOptions,
  type ResolvedTrainOptions,
  type TrainOptions,
} from './options.js';
import { prepareResume, type ResumePoint } from './resume.js';
import { buildRunConfig, type RunConfig } from './run-config-file.js';
import { engineLine, testCheckpoint } from './test-run.js';
import { evaluationBatchSize } from './evaluate.js';
import type { Engine } from './engine.js';
import { chooseEngine } from './choose-engine.js';
import { BUILTIN_ENGINES } from './tfjs-engine-entry.js';
import { setModelWeights, weightsOf } from './tfjs-engine.js';

/** Ways to watch and steer a run besides its options. */
export interface TrainHooks {
  /** Called in order after the built-in checkpoint, early-stopping and time-limit callbacks. */
  callbacks?: readonly Callback[];
  /** Aborting ends the run after the current step, with checkpoints/last saved and status `interrupted`. */
  signal?: AbortSignal;
  /** Where the data set reports downloads and the trainer reports resumes; silent by default. */
  reporter?: Reporter;
  /** A data set already loaded (with the same options and split), to skip loading it again. */
  dataset?: TabularDataset;
}

/** summary.json: how a run went (the format is @machop/runs' {@link RunSummary}). */
export type TrainSummary = RunSummary;

/** What {@link train} returns once the run folder is complete. */
export interface TrainResult {
  runDir: string;
  status: TrainStatus;
  summary: TrainSummary;
}

const SILENT: Reporter = { info() {} };

function checkData(data: TabularDataset, options: ResolvedTrainOptions): void {
  const where = `data set "${options.dataset}"`;
  if (data.train.size === 0)
    throw new ConfigError(
      `${where} has no training rows; use more data or smaller testFraction/valFraction`,
    );
  if (data.validation.size === 0)
    throw new ConfigError(`${where} has no validation rows; raise valFraction (--val-fraction)`);
  if (options.test && data.test.size === 0)
    throw new ConfigError(
      `${where} has no test rows; raise testFraction (--test-fraction) or pass test: false (--no-test)`,
    );
}

/**
 * Train a registered model on a registered data set and write a complete run folder:
 * config.json, metrics.jsonl, a TensorBoard event file, checkpoints/best and checkpoints/last,
 * test.json (unless `test` is false) and summary.json.
 *
 * Uses the current compute backend (starting the default one if none is). Prints nothing:
 * progress goes to `hooks.callbacks`. Invalid options fail before anything is written.
 *
 * @example
 * const result = await train({ model: 'jsc-tiny', dataset: 'jsc', maxEpochs: 10, batchSize: 256 });
 * console.log(result.runDir, result.summary.final.val_acc_epoch);
 */
export async function train(options: TrainOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  // One writer per run folder: a resume takes the lock before reading anything it will rewrite.
  const resolved = resolveTrainOptions(options);
  const locks: RunLock[] = [];
  try {
    if (options.resume !== undefined) {
      const runDir = path.resolve(options.resume);
      if (!existsSync(runDir))
        throw new CheckpointError(
          `cannot resume ${runDir}: no such folder; pass a run folder made by ch train`,
        );
      locks.push(await acquireRunLock(runDir));
    }
    return await trainLocked(options, resolved, hooks, locks);
  } finally {
    for (const lock of locks) await lock.release();
  }
}

async function trainLocked(
  options: TrainOptions,
  checked: ResolvedTrainOptions,
  hooks: TrainHooks,
  locks: RunLock[],
): Promise<TrainResult> {
  const reporter = hooks.reporter ?? SILENT;
  let resolved = checked;
  let resume: ResumePoint | undefined;
  if (options.resume !== undefined) {
    resume = await prepareResume(options, resolved);
    resolved = resume.options;
  }
  const registry = getRegistry();
  const floatEntry = registry.models.get(resolved.model);
  const datasetEntry = registry.datasets.get(resolved.dataset);
  resolved = {
    ...resolved,
    modelOptions: resolveEntryOptions('model', floatEntry, resolved.modelOptions),
    datasetOptions: resolveEntryOptions('dataset', datasetEntry, resolved.datasetOptions),
  };
  const project = resume
    ? path.basename(path.dirname(resume.runDir))
    : folderName('project', options.project ?? defaultProject(resolved.model, resolved.dataset));
  const projectRoot = path.join(projectDirOf(options), project);
  if (!resume) {
    checkRunName(options.name);
    await checkWritable(projectRoot);
  }
  let loaded: { checkpointDir: string; state: TrainerState } | undefined;
  if (options.load !== undefined) {
    const { checkpointDir } = locateCheckpoint(options.load, 'best');
    loaded = { checkpointDir, state: await readTrainerState(checkpointDir) };
  }
  const restored = resume?.checkpoint;
  // A transformed run's quantization carries over: to a run loaded from it (QAT) and on resume.
  const quant = resume ? resume.config.model.quant : loaded?.state.quant;
  const modelEntry = quantizedEntry(floatEntry, quant);
  if (!currentBackend()) await initBackend();

  const data =
    hooks.dataset ??
    (await datasetEntry.load({
      options: resolved.datasetOptions,
      split: resolved.split,
      cacheDir: options.cacheDir ?? defaultCacheDir(),
      reporter,
      signal: hooks.signal,
      ...(restored ? { scaler: restored.state.scaler } : {}),
    }));
  checkData(data, resolved);
  for (const checkpoint of [restored, loaded && { dir: loaded.checkpointDir, ...loaded }]) {
    if (checkpoint)
      checkCheckpointFits(checkpoint.state, checkpoint.dir, {
        model: resolved.model,
        features: data.features,
        classes: data.classes,
        dataset: resolved.dataset,
      });
  }

  const model = buildModel(modelEntry, data, resolved.modelOptions, resolved.seed);
  await loadPlugins(BUILTIN_ENGINES);
  const { engine, record: engineRecord } = chooseEngine(resolved.engine, {
    entry: modelEntry,
    shape: { features: data.features, classes: data.classes },
    modelOptions: resolved.modelOptions,
    seed: resolved.seed,
    model,
    optimizer: {
      kind: resolved.optimizer,
      learningRate: resolved.learningRate,
      weightDecay: resolved.weightDecay,
    },
    threads: resolved.threads,
    batchSize: resolved.batchSize,
  });
  reporter.info(engineLine(engineRecord));
  let runDir: string | undefined;
  let runCreated = false;
  try {
    if (loaded) {
      await loadCheckpointWeights(loaded.checkpointDir, model);
      engine.setWeights(weightsOf(model), loaded.checkpointDir);
    }
    if (restored) {
      await loadCheckpointWeights(restored.dir, model);
      engine.setWeights(weightsOf(model), restored.dir);
      engine.setOptimizerState(
        await readOptimizerState(restored.dir, restored.state),
        restored.dir,
      );
    }

    let config: RunConfig;
    if (resume) {
      runDir = resume.runDir;
      const position = restored?.state.position ?? { epoch: 0, globalStep: 0 };
      config = {
        ...resume.config,
        options: resolved,
        engine: engineRecord,
        resumes: [
          ...resume.config.resumes,
          {
            at: new Date().toISOString(),
            fromStep: position.globalStep,
            backend: currentBackend()?.name ?? null,
          },
        ],
      };
      reporter.info(
        restored
          ? `resuming ${runDir} at epoch ${position.epoch + 1}, step ${position.globalStep}`
          : `run ${runDir} stopped before its first checkpoint: training it again from the start with its saved settings`,
      );
    } else {
      runDir = await createRunDir(projectRoot, options.runId, new Date(), options.name);
      runCreated = true;
      locks.push(await acquireRunLock(runDir));
      config = buildRunConfig({
        runId: path.basename(runDir),
        project,
        options: resolved,
        name: options.name,
        tags: options.tags,
        data,
        model: {
          plugin: modelEntry.plugin,
          parameters: countParameters(model),
          ...(quant ? { quant } : {}),
          ...(loaded?.state.nodes ? { nodes: loaded.state.nodes } : {}),
        },
        datasetPlugin: datasetEntry.plugin,
        loadedFrom: loaded?.checkpointDir ?? null,
        config: options.config,
        sweep: options.sweep,
      });
      config.engine = engineRecord;
    }
    const writer = RunWriter.open(runDir);
    await writer.writeConfig(config);
    const log = resume
      ? await MetricsLog.resume(writer, restored?.state.metricsRecords ?? 0, config)
      : await MetricsLog.create(writer, config);
    runCreated = false;
    try {
      return await runTraining({
        runDir,
        writer,
        resolved,
        data,
        engine,
        model,
        log,
        restored,
        hooks,
        config,
      });
    } finally {
      await log.close();
    }
  } catch (error) {
    // A run that failed before its first file was complete leaves nothing behind.
    if (runCreated && runDir !== undefined) await rm(runDir, { recursive: true, force: true });
    throw asRunError(error, runDir);
  } finally {
    engine.dispose();
    model.dispose();
  }
}

/**
 * A file-system error while a run writes (a full disk, a quota, a read-only mount) becomes one
 * line naming the file and what to do; the run's checkpoints are intact, so it can be resumed.
 */
function asRunError(error: unknown, runDir: string | undefined): unknown {
  const errno = error as NodeJS.ErrnoException;
  if (isMachopError(error) || typeof errno?.code !== 'string' || typeof errno.syscall !== 'string')
    return error;
  const then =
    runDir === undefined ? undefined : `then resume the run: ch train --resume ${runDir}`;
  return IoError.from(error, errno.syscall, errno.path ?? runDir ?? 'the run folder', then);
}

interface RunSetup {
  runDir: string;
  /** Every file of the run folder is written through it. */
  writer: RunWriter;
  resolved: ResolvedTrainOptions;
  data: TabularDataset;
  engine: Engine;
  /** The tfjs model of the run's architecture: checkpoints are written from it. */
  model: LayersModel;
  log: MetricsLog;
  restored: ResumePoint['checkpoint'];
  hooks: TrainHooks;
  config: RunConfig;
}

async function runTraining(setup: RunSetup): Promise<TrainResult> {
  const { runDir, writer, resolved, data, engine, log, restored, hooks, config } = setup;
  const checkpoint = new ModelCheckpoint({ monitor: resolved.monitor, mode: resolved.mode });
  const callbacks: Callback[] = [checkpoint];
  if (resolved.earlyStoppingPatience !== null)
    callbacks.push(
      new EarlyStopping({
        monitor: resolved.monitor,
        mode: resolved.mode,
        patience: resolved.earlyStoppingPatience,
      }),
    );
  if (resolved.maxTimeSeconds !== null) callbacks.push(new MaxTime(resolved.maxTimeSeconds));
  callbacks.push(new DivergenceStop(data.classes));
  callbacks.push(...(hooks.callbacks ?? []));
  if (restored) {
    for (const callback of callbacks) {
      const state =
        callback.stateKey === undefined ? undefined : restored.state.callbacks[callback.stateKey];
      if (state !== undefined) callback.loadState?.(state);
    }
  }
  const base = {
    format: 'machop-trainer-state' as const,
    version: 1 as const,
    model: resolved.model,
    modelOptions: resolved.modelOptions,
    ...(config.model.quant ? { quant: config.model.quant } : {}),
    ...(config.model.nodes ? { nodes: config.model.nodes } : {}),
    dataset: resolved.dataset,
    datasetOptions: resolved.datasetOptions,
    features: data.features,
    classes: data.classes,
    featureNames: data.featureNames,
    classNames: data.classNames,
    split: data.split,
    scaler: data.scaler,
  };
  const loop = new TrainingLoop({
    engine,
    data,
    options: resolved,
    runDir,
    callbacks,
    signal: hooks.signal,
    log,
    start: restored
      ? {
          position: restored.state.position,
          elapsedSeconds: restored.state.elapsedSeconds,
          totals: restored.state.totals,
        }
      : { position: { epoch: 0, batch: 0, globalStep: 0 }, elapsedSeconds: 0, totals: undefined },
    saveCheckpoint: (name, snapshot) => {
      // Checkpoints keep the tfjs layout: the engine's weights go through the tfjs model.
      setModelWeights(setup.model, engine.getWeights(), 'the engine');
      // Through the run writer: a run folder deleted meanwhile stops the run, re-created in no part.
      return writer.saveCheckpoint(name, (dir) =>
        writeCheckpoint(
          dir,
          setup.model,
          { ...base, ...snapshot, savedAt: new Date().toISOString() },
          engine.getOptimizerState(),
          { createParents: false },
        ),
      );
    },
  });
  const outcome = await loop.run();
  const tested =
    resolved.test && outcome.status !== 'interrupted'
      ? await testAtEnd(setup, loop, outcome, checkpoint.best !== undefined ? 'best' : 'last')
      : null;
  await loop.finish(outcome);

  const best = checkpoint.best;
  const summary: TrainSummary = {
    status: outcome.status,
    reason: outcome.reason ?? null,
    model: resolved.model,
    dataset: resolved.dataset,
    epochs: outcome.position.epoch,
    steps: outcome.position.globalStep,
    final: { ...loop.metrics },
    best: best ? { ...best.metrics } : null,
    bestEpoch: best?.epoch ?? null,
    bestStep: best?.step ?? null,
    monitor: resolved.monitor,
    mode: resolved.mode,
    testedCheckpoint: tested,
    wallTimeSeconds: loop.elapsedSeconds,
    trainSeconds: outcome.trainSeconds,
    samplesPerSecond: outcome.trainSeconds > 0 ? outcome.samples / outcome.trainSeconds : 0,
    backend: currentBackend()?.name ?? config.backend?.name ?? null,
    endedAt: new Date().toISOString(),
  };
  await writer.writeSummary(summary);
  await log.end(outcome.status);
  return { runDir, status: outcome.status, summary };
}

/** Test the chosen checkpoint in a model of its own (the training model keeps its last weights). */
async function testAtEnd(
  setup: RunSetup,
  loop: TrainingLoop,
  outcome: LoopOutcome,
  which: 'best' | 'last',
): Promise<'best' | 'last' | null> {
  const { runDir, writer, resolved, data } = setup;
  const checkpointDir = writer.checkpoint(which);
  // Without a best checkpoint (no epoch finished, or no finite monitored value) test the last weights, if any step ran.
  if (which === 'last' && outcome.position.globalStep === 0) return null;
  if (which === 'last') await loop.saveLast();
  const report = await testCheckpoint(checkpointDir, data, {
    entry: quantizedEntry(getRegistry().models.get(resolved.model), setup.config.model.quant),
    modelOptions: resolved.modelOptions,
    seed: resolved.seed,
    engine: resolved.engine,
    threads: resolved.threads,
    batchSize: evaluationBatchSize(resolved.batchSize),
    runDir,
    dataset: resolved.dataset,
  });
  await writer.writeTest(report);
  const lastEpoch =
    outcome.position.batch === 0 ? outcome.position.epoch - 1 : outcome.position.epoch;
  await loop.log(
    { test_loss_epoch: report.loss, test_acc_epoch: report.accuracy },
    Math.max(lastEpoch, 0),
  );
  return which;
}
