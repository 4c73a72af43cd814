import path from 'node:path';
import {
  closestNames,
  ConfigError,
  getRegistry,
  kebabCase,
  unknownName,
  type OptionValues,
  type SplitOptions,
} from '@machop/core/base';
import { isFolderName, requireDirection, type SweepMembership } from '@machop/runs';
import { EPOCH_METRICS, optionFlag, TRAIN_OPTIONS, type TrainOptionKey } from './option-table.js';

export {
  EPOCH_METRICS,
  TRAIN_OPTIONS,
  optionFlag,
  trainOptionEntries,
  keptOnResume,
  changeableOnResume,
  splitField,
  type TrainOptionKey,
  type TrainOptionSpec,
} from './option-table.js';

/** Optimizers the trainer knows. `sgd` uses momentum 0.9 with Nesterov's update. */
export type OptimizerName = 'adam' | 'adamw' | 'sgd';

/**
 * Which compute engine a run asks for (see {@link TrainOptions.engine}): `auto`, a built-in
 * engine, or the name of one a plugin registered in `registry.engines`.
 */
// `string & {}` keeps the built-in names as suggestions in editors while any name type-checks.
export type EngineChoice = 'auto' | 'tfjs' | 'fused' | (string & {});

/** The engines that ship with Machop.ts, registered by the trainer before it chooses one. */
const BUILT_IN_ENGINES = ['fused', 'tfjs'];

/** How many threads a run asks for (see {@link TrainOptions.threads}). */
export type ThreadsChoice = 'auto' | 1 | 2;

/** Learning-rate schedules, applied once per epoch. */
export type SchedulerName = 'cosine' | 'step' | 'none';

/** What {@link train} is asked to do. Every field but `model` and `dataset` has a default. */
export interface TrainOptions {
  /** Registry name of the model, such as `jsc-tiny`. */
  model: string;
  /** Registry name of the data set, such as `jsc`. */
  dataset: string;
  /** The model's options; its defaults fill the rest. */
  modelOptions?: OptionValues;
  /** The data set's options; its defaults fill the rest. */
  datasetOptions?: OptionValues;
  /** Number of epochs. Default 20. */
  maxEpochs?: number;
  /** Samples per training step. Default 128. */
  batchSize?: number;
  /** Initial learning rate. Default 1e-5. */
  learningRate?: number;
  /** Weight decay: added to the gradient (L2) for `adam` and `sgd`, decoupled for `adamw`. Default 0. */
  weightDecay?: number;
  /** Default `adam`. */
  optimizer?: OptimizerName;
  /** Default `cosine` (T_max = maxEpochs, eta_min = 1e-6, stepped per epoch, as in MASE). */
  scheduler?: SchedulerName;
  /** Epochs between decays of the `step` schedule. Default 10. */
  stepSize?: number;
  /** Decay factor of the `step` schedule, in (0, 1]. Default 0.1. */
  gamma?: number;
  /** Seed of initialisation, shuffling and dropout. Default 0. */
  seed?: number;
  /** Log `train_loss_step` and `train_acc_step` every N steps. Default 50. */
  logEveryNSteps?: number;
  /** How rows are split; default seed 42, testFraction 0.2, valFraction 0.1. */
  split?: Partial<SplitOptions>;
  /** Metric that picks the best checkpoint and drives early stopping. Default `val_loss_epoch`. */
  monitor?: string;
  /** Whether `monitor` should go down or up. Default `max` for accuracies, else `min`. */
  mode?: 'min' | 'max';
  /** Stop after this many epochs without improvement of `monitor`. Default: no early stopping. */
  earlyStoppingPatience?: number;
  /** End the run cleanly after the step during which this much time has passed. */
  maxTimeSeconds?: number;
  /** Folder holding projects. Default `./machop_output`. */
  projectDir?: string;
  /** Project folder name. Default `<model>_<dataset>_<YYYY-MM-DD>`. */
  project?: string;
  /** Run folder name. Default a sortable timestamp such as `2026-11-29T04-10-00_0`. */
  runId?: string;
  /** A name for the run, added to its timestamp id (`2026-11-29T04-10-00_bs64`). A folder name. */
  name?: string;
  /** Tags recorded in config.json, for filtering runs. */
  tags?: string[];
  /** Start from the weights of a run (its best checkpoint) or of a checkpoint folder. */
  load?: string;
  /**
   * Continue the run in this folder from its last checkpoint. Run-defining options are taken
   * from the run; any given here must equal the saved ones, except `maxEpochs`, which may change.
   */
  resume?: string;
  /** Evaluate the best checkpoint on the test split at the end and log `test_*_epoch`. Default true. */
  test?: boolean;
  /**
   * The compute engine: `fused` (`@machop/engine-fused`, for models with a supported layer
   * list), `tfjs`, a plugin's (its name in `registry.engines`), or `auto` (the engine of highest
   * priority that runs the model, with the reason recorded when it passed one over). A session
   * option: a resumed run may change it. Default `auto`.
   */
  engine?: EngineChoice;
  /**
   * Threads of the fused engine: 2 splits every batch between two threads (the same steps as
   * one thread up to the order of float32 sums; deterministic for a seed and thread count), 1
   * does not, and `auto` takes 2 when the machine has two cores or more and the model's step is
   * large enough to gain (the fused engine's `suggestThreads`). A session option, recorded in
   * config.json with the count used. Default `auto`.
   */
  threads?: ThreadsChoice;
  /** Download and cache folder handed to the data set. Default core's `defaultCacheDir()`. */
  cacheDir?: string;
  /** The sweep this run is a trial of, recorded in config.json (set by sweep executors). */
  sweep?: SweepMembership;
  /** Extra record saved verbatim in config.json (the CLI stores its settings and their sources). */
  config?: Record<string, unknown>;
}

/** {@link TrainOptions} with defaults applied and values checked. */
export interface ResolvedTrainOptions {
  model: string;
  dataset: string;
  modelOptions: OptionValues;
  datasetOptions: OptionValues;
  maxEpochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  optimizer: OptimizerName;
  scheduler: SchedulerName;
  stepSize: number;
  gamma: number;
  seed: number;
  logEveryNSteps: number;
  split: SplitOptions;
  monitor: string;
  mode: 'min' | 'max';
  earlyStoppingPatience: number | null;
  maxTimeSeconds: number | null;
  test: boolean;
  engine: EngineChoice;
  threads: ThreadsChoice;
}

/**
 * The largest batch size accepted (2^24 rows). A batch larger than the training split is the
 * whole split; beyond this a value is a typo, and its buffers would not fit in memory.
 */
export const MAX_BATCH_SIZE = 16_777_216;

type Table = typeof TRAIN_OPTIONS;
/** The options of the table that have a default and are fields of {@link TrainOptions} themselves. */
type Defaults = {
  [
    K in TrainOptionKey as Table[K] extends { default: unknown; group?: undefined } ? K : never
  ]: Table[K] extends { default: infer D } ? D : never;
};

function tableDefaults(): Defaults {
  const defaults: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(TRAIN_OPTIONS) as [
    string,
    { default?: unknown; group?: string },
  ][])
    if (spec.default !== undefined && spec.group === undefined) defaults[key] = spec.default;
  return defaults as Defaults;
}

/** The defaults of {@link TrainOptions}, as in MASE: those of {@link TRAIN_OPTIONS}, the split's grouped. */
export const TRAIN_DEFAULTS = {
  ...tableDefaults(),
  split: {
    seed: TRAIN_OPTIONS.splitSeed.default,
    testFraction: TRAIN_OPTIONS.testFraction.default,
    valFraction: TRAIN_OPTIONS.valFraction.default,
  },
} as const;

/** `batchSize (--batch-size)`: how messages name an option for library and CLI users alike. */
export function optionLabel(name: string): string {
  const flag = name in TRAIN_OPTIONS ? optionFlag(name as TrainOptionKey) : kebabCase(name);
  return `${name} (--${flag})`;
}

function integer(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `from ${min} up` : `from ${min} to ${max}`;
    throw new ConfigError(
      `${optionLabel(name)} must be a whole number ${range}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function real(
  name: string,
  value: number,
  range: { above?: number; atLeast?: number; atMost?: number },
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (range.above === undefined || value > range.above) &&
    (range.atLeast === undefined || value >= range.atLeast) &&
    (range.atMost === undefined || value <= range.atMost);
  if (!ok) {
    const low =
      range.above !== undefined
        ? `greater than ${range.above}`
        : range.atLeast !== undefined
          ? `at least ${range.atLeast}`
          : 'finite';
    const high = range.atMost !== undefined ? ` and at most ${range.atMost}` : '';
    throw new ConfigError(
      `${optionLabel(name)} must be a number ${low}${high}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function choice<T extends string>(name: string, value: string, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw new ConfigError(
      `${optionLabel(name)} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}

/**
 * `engine` checked: auto, a built-in engine or one a loaded plugin registered; default auto. An
 * unknown name is a {@link ConfigError} with the closest names, before anything loads.
 */
export function engineChoice(engine: unknown): EngineChoice {
  const value = engine ?? TRAIN_DEFAULTS.engine;
  const known = [
    'auto',
    ...new Set([
      ...BUILT_IN_ENGINES,
      ...getRegistry()
        .engines.list()
        .map(({ name }) => name),
    ]),
  ];
  if (typeof value === 'string' && known.includes(value)) return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  throw new ConfigError(
    unknownName(
      `${optionLabel('engine')} ${JSON.stringify(text)} is not a registered engine`,
      closestNames(text, known),
      `known: ${known.join(', ')}; a plugin's engine needs its plugin loaded, see ch list engines`,
    ),
  );
}

/** `threads` checked: auto, 1 or 2; default auto. */
export function threadsChoice(threads: unknown): ThreadsChoice {
  const value = threads ?? TRAIN_DEFAULTS.threads;
  if (value === 'auto' || value === 1 || value === 2) return value;
  throw new ConfigError(
    `${optionLabel('threads')} must be auto, 1 or 2, got ${JSON.stringify(threads)}`,
  );
}

/** A name that must be one folder (no separators, not `.` or `..`). */
export function folderName(name: string, value: string): string {
  if (!isFolderName(value)) {
    throw new ConfigError(
      `${optionLabel(name)} must be a folder name of letters, digits, ".", "_" and "-", got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Apply defaults to the options that define a run and check every value, so that a bad value
 * fails before anything is loaded or written.
 */
export function resolveTrainOptions(options: TrainOptions): ResolvedTrainOptions {
  if (typeof options.model !== 'string' || options.model === '')
    throw new ConfigError(
      'model is required: pass the registry name of a model, such as "jsc-tiny"',
    );
  if (typeof options.dataset !== 'string' || options.dataset === '')
    throw new ConfigError(
      'dataset is required: pass the registry name of a data set, such as "jsc"',
    );
  const monitor = options.monitor ?? TRAIN_DEFAULTS.monitor;
  choice('monitor', monitor, EPOCH_METRICS);
  const split = { ...TRAIN_DEFAULTS.split, ...options.split };
  const resolved: ResolvedTrainOptions = {
    model: options.model,
    dataset: options.dataset,
    modelOptions: options.modelOptions ?? {},
    datasetOptions: options.datasetOptions ?? {},
    maxEpochs: integer('maxEpochs', options.maxEpochs ?? TRAIN_DEFAULTS.maxEpochs, 1),
    batchSize: integer(
      'batchSize',
      options.batchSize ?? TRAIN_DEFAULTS.batchSize,
      1,
      MAX_BATCH_SIZE,
    ),
    learningRate: real('learningRate', options.learningRate ?? TRAIN_DEFAULTS.learningRate, {
      above: 0,
    }),
    weightDecay: real('weightDecay', options.weightDecay ?? TRAIN_DEFAULTS.weightDecay, {
      atLeast: 0,
    }),
    optimizer: choice('optimizer', options.optimizer ?? TRAIN_DEFAULTS.optimizer, [
      'adam',
      'adamw',
      'sgd',
    ] as const),
    scheduler: choice('scheduler', options.scheduler ?? TRAIN_DEFAULTS.scheduler, [
      'cosine',
      'step',
      'none',
    ] as const),
    stepSize: integer('stepSize', options.stepSize ?? TRAIN_DEFAULTS.stepSize, 1),
    gamma: real('gamma', options.gamma ?? TRAIN_DEFAULTS.gamma, { above: 0, atMost: 1 }),
    seed: integer('seed', options.seed ?? TRAIN_DEFAULTS.seed, 0, 0xffffffff),
    logEveryNSteps: integer(
      'logEveryNSteps',
      options.logEveryNSteps ?? TRAIN_DEFAULTS.logEveryNSteps,
      1,
    ),
    split: {
      seed: integer('splitSeed', split.seed, 0, 0xffffffff),
      testFraction: real('testFraction', split.testFraction, { above: 0, atMost: 0.9 }),
      valFraction: real('valFraction', split.valFraction, { above: 0, atMost: 0.9 }),
    },
    monitor,
    mode: choice(
      'mode',
      options.mode ?? requireDirection(monitor, 'give its direction with --mode max|min'),
      ['min', 'max'] as const,
    ),
    earlyStoppingPatience:
      options.earlyStoppingPatience === undefined
        ? null
        : integer('earlyStoppingPatience', options.earlyStoppingPatience, 1),
    maxTimeSeconds:
      options.maxTimeSeconds === undefined
        ? null
        : real('maxTimeSeconds', options.maxTimeSeconds, { above: 0 }),
    test: options.test ?? TRAIN_DEFAULTS.test,
    engine: engineChoice(options.engine),
    threads: threadsChoice(options.threads),
  };
  if (typeof resolved.test !== 'boolean')
    throw new ConfigError(
      `${optionLabel('test')} must be true or false, got ${JSON.stringify(options.test)}`,
    );
  if (options.resume !== undefined && options.load !== undefined) {
    throw new ConfigError(
      `${optionLabel('resume')} and ${optionLabel('load')} cannot be combined: resume continues a run with its own weights`,
    );
  }
  if (
    options.resume !== undefined &&
    (options.runId !== undefined || options.project !== undefined)
  ) {
    throw new ConfigError(
      `${optionLabel('resume')} continues the run in its own folder: drop ${options.runId !== undefined ? 'runId' : 'project'}`,
    );
  }
  if (options.project !== undefined) folderName('project', options.project);
  if (options.runId !== undefined) folderName('runId', options.runId);
  if (options.name !== undefined) folderName('name', options.name);
  if (options.name !== undefined && options.runId !== undefined)
    throw new ConfigError(
      `${optionLabel('name')} names a run whose id is made for it; ${optionLabel('runId')} gives the whole id: pass one of them`,
    );
  for (const tag of options.tags ?? [])
    if (typeof tag !== 'string' || tag.trim() === '')
      throw new ConfigError(
        `${optionLabel('tags')} must be non-empty words, got ${JSON.stringify(tag)}`,
      );
  return resolved;
}

/** The project folder name used when none is given: `<model>_<dataset>_<YYYY-MM-DD>` (local date). */
export function defaultProject(model: string, dataset: string, now = new Date()): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${model}_${dataset}_${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The projects folder, resolved against the working directory. */
export function projectDirOf(options: Pick<TrainOptions, 'projectDir'>): string {
  return path.resolve(options.projectDir ?? TRAIN_DEFAULTS.projectDir);
}
