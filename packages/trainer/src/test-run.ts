import {
  CheckpointError,
  ConfigError,
  currentBackend,
  defaultCacheDir,
  getRegistry,
  initBackend,
  isMachopError,
  type LayerQuant,
  type ModelEntry,
  type OptionValues,
  type Registered,
  type Reporter,
  type TabularDataset,
  resolveEntryOptions,
} from '@machop/core';
import { ClassificationMetrics } from '@machop/metrics';
import { writeTestReport, type TestReport as RunTestReport } from '@machop/runs';
import { loadCheckpointEvaluator } from './checkpoint-evaluator.js';
import { checkCheckpointFits, locateCheckpoint, readTrainerState } from './checkpoint-io.js';
import { quantizedEntry } from './quantized-entry.js';
import { EVALUATION_BATCH_ROWS, evaluateSplit } from './evaluate.js';
import {
  engineChoice,
  optionLabel,
  threadsChoice,
  type EngineChoice,
  type ThreadsChoice,
} from './options.js';
import type { EngineRecord, Evaluator } from './choose-engine.js';

/** What {@link test} evaluates. */
export interface TestOptions {
  /** A run folder (its best checkpoint, else its last) or a checkpoint folder. */
  load: string;
  /** The model the checkpoint must belong to; default the checkpoint's own. */
  model?: string;
  /** The data set to test on; default the one the checkpoint was trained on. */
  dataset?: string;
  /** Options of the data set, over those saved with the checkpoint. */
  datasetOptions?: OptionValues;
  /**
   * Options of the model, which must equal those it was trained with (a checkpoint holds one
   * architecture); a contradiction is a {@link CheckpointError}, not silently ignored.
   */
  modelOptions?: OptionValues;
  /** Download and cache folder handed to the data set. Default core's `defaultCacheDir()`. */
  cacheDir?: string;
  /** Rows per evaluation batch. Default 4096 (`EVALUATION_BATCH_ROWS`). */
  batchSize?: number;
  /**
   * The engine that computes the logits, chosen as for a run: `auto` (the default) takes the
   * fused engine when the model's layer list allows it, else tfjs with the reason.
   */
  engine?: EngineChoice;
  /**
   * Threads of the fused engine: 2 splits each batch of 512 rows or more between two threads
   * (the same logits as one thread, bit for bit), 1 does not, `auto` (the default) takes 2 on a
   * machine with two cores or more. Recorded in test.json's `engine.threads`.
   */
  threads?: ThreadsChoice;
}

/** Ways to watch a test besides its options. */
export interface TestHooks {
  reporter?: Reporter;
  signal?: AbortSignal;
  /** A data set already loaded with the checkpoint's scaler and split. */
  dataset?: TabularDataset;
}

/** test.json: a checkpoint's quality on the test split (the format is @machop/runs'). */
export type TestReport = RunTestReport;

/** What {@link test} returns. */
export interface TestResult {
  /** The test.json written (in the run folder, or in the checkpoint folder outside a run). */
  file: string;
  checkpointDir: string;
  runDir: string | undefined;
  report: TestReport;
}

/** Evaluate a model, through `evaluator`, on the test split of `data`. */
export function testModel(
  evaluator: Pick<Evaluator, 'features' | 'classes' | 'evaluate'>,
  data: TabularDataset,
  batchSize: number,
  about: {
    checkpointDir: string;
    runDir: string | undefined;
    model: string;
    dataset: string;
    engine: EngineRecord;
  },
): TestReport {
  const metrics = new ClassificationMetrics({ classes: data.classes });
  const evaluation = evaluateSplit(evaluator, data.test, batchSize, (batch) =>
    metrics.update(batch),
  );
  return {
    format: 'machop-test',
    version: 1,
    model: about.model,
    dataset: about.dataset,
    checkpoint: about.checkpointDir,
    runDir: about.runDir ?? null,
    classNames: data.classNames,
    ...metrics.compute(),
    loss: evaluation.loss,
    backend: currentBackend()?.name ?? null,
    engine: about.engine,
    testedAt: new Date().toISOString(),
  };
}

/** A line saying which engine runs, on how many threads, and why auto fell back to tfjs. */
export function engineLine(record: EngineRecord): string {
  const evaluation =
    record.evaluationThreads !== record.threads
      ? `, evaluates on ${record.evaluationThreads} thread${record.evaluationThreads === 1 ? '' : 's'}`
      : '';
  const threads = (record.threads === 2 ? ', 2 threads' : '') + evaluation;
  return record.reason === null
    ? `engine: ${record.used}${threads}`
    : `engine: ${record.used} (the fused engine cannot run it: ${record.reason})`;
}

/**
 * Evaluate the checkpoint in `checkpointDir` on `data`'s test split with the engine `choice`
 * gives, loaded by {@link loadCheckpointEvaluator}.
 */
export async function testCheckpoint(
  checkpointDir: string,
  data: TabularDataset,
  input: {
    entry: Registered<ModelEntry>;
    modelOptions: OptionValues;
    /** The checkpoint's per-layer quantization (a transformed run's), if any. */
    quant?: LayerQuant;
    seed: number;
    engine: EngineChoice;
    threads?: ThreadsChoice;
    batchSize: number;
    runDir: string | undefined;
    dataset: string;
    reporter?: Reporter;
  },
): Promise<TestReport> {
  const loaded = await loadCheckpointEvaluator(checkpointDir, {
    entry: quantizedEntry(input.entry, input.quant),
    shape: { features: data.features, classes: data.classes },
    modelOptions: input.modelOptions,
    seed: input.seed,
    engine: input.engine,
    threads: input.threads,
  });
  try {
    input.reporter?.info(engineLine(loaded.record));
    return testModel(loaded.evaluator, data, input.batchSize, {
      checkpointDir,
      runDir: input.runDir,
      model: input.entry.name,
      dataset: input.dataset,
      engine: loaded.record,
    });
  } finally {
    loaded.dispose();
  }
}

/**
 * Evaluate a trained checkpoint on the test split and write test.json. The data set is loaded
 * with the checkpoint's own scaler and split settings, so rows are preprocessed exactly as in
 * training. A checkpoint of another model or data shape, or a corrupt one, is a
 * {@link CheckpointError}.
 *
 * @example
 * const { report } = await test({ load: 'machop_output/lab1/2026-11-29T04-10-00_0' });
 * console.log(report.accuracy, report.confusionMatrix);
 */
export async function test(options: TestOptions, hooks: TestHooks = {}): Promise<TestResult> {
  const batchSize = options.batchSize ?? EVALUATION_BATCH_ROWS;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ConfigError(
      `${optionLabel('batchSize')} must be a whole number from 1 up, got ${JSON.stringify(options.batchSize)}`,
    );
  const engine = engineChoice(options.engine);
  const threads = threadsChoice(options.threads);
  const { checkpointDir, runDir } = locateCheckpoint(options.load, 'best');
  const state = await readTrainerState(checkpointDir);
  const modelName = options.model ?? state.model;
  if (modelName !== state.model) {
    throw new CheckpointError(
      `checkpoint ${checkpointDir} was trained for model "${state.model}", not "${modelName}"; test it as ${state.model} or load a checkpoint of ${modelName}`,
    );
  }
  for (const [name, value] of Object.entries(options.modelOptions ?? {})) {
    if (value !== undefined && JSON.stringify(value) !== JSON.stringify(state.modelOptions[name]))
      throw new CheckpointError(
        `checkpoint ${checkpointDir} was trained with ${name} ${JSON.stringify(state.modelOptions[name])}, not ${JSON.stringify(value)}; leave ${optionLabel(name)} out to test it as trained`,
      );
  }
  const registry = getRegistry();
  const modelEntry = registry.models.get(modelName);
  const datasetName = options.dataset ?? state.dataset;
  const datasetEntry = registry.datasets.get(datasetName);
  const savedOptions = datasetName === state.dataset ? state.datasetOptions : {};
  const datasetOptions = resolveEntryOptions('dataset', datasetEntry, {
    ...savedOptions,
    ...options.datasetOptions,
  });
  if (!currentBackend()) await initBackend();
  const trainedOn = `data set "${state.dataset}" (${state.features} features, ${state.classes} classes)`;
  let data: TabularDataset;
  try {
    data =
      hooks.dataset ??
      (await datasetEntry.load({
        options: datasetOptions,
        split: state.split,
        scaler: state.scaler,
        cacheDir: options.cacheDir ?? defaultCacheDir(),
        reporter: hooks.reporter ?? { info() {} },
        signal: hooks.signal,
      }));
  } catch (error) {
    // Another data set that this checkpoint's scaler does not fit: say what the checkpoint is for.
    if (isMachopError(error) && error.code === 'E_SCALER_MISMATCH' && datasetName !== state.dataset)
      throw new CheckpointError(
        `checkpoint ${checkpointDir} was trained on ${trainedOn}, not on data set "${datasetName}"; test it on ${state.dataset} (leave the data set out to use its own)`,
        { cause: error },
      );
    throw error;
  }
  checkCheckpointFits(state, checkpointDir, {
    model: modelName,
    features: data.features,
    classes: data.classes,
    dataset: datasetName,
  });
  if (data.test.size === 0)
    throw new ConfigError(`data set "${datasetName}" has no test rows; raise testFraction`);
  const report = await testCheckpoint(checkpointDir, data, {
    entry: modelEntry,
    modelOptions: resolveEntryOptions('model', modelEntry, state.modelOptions),
    ...(state.quant ? { quant: state.quant } : {}),
    seed: 0,
    engine,
    threads,
    batchSize,
    runDir,
    dataset: datasetName,
    reporter: hooks.reporter,
  });
  const file = await writeTestReport(runDir ?? checkpointDir, report);
  return { file, checkpointDir, runDir, report };
}
