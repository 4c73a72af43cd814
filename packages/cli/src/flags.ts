import { EPOCH_METRICS, TRAIN_DEFAULTS } from '@machop/trainer/options';
import type { FlagSpec } from './args.js';

export { GLOBAL_FLAGS } from './global-flags.js';

/** Flags of the data split, shared by train, test and info. */
export const SPLIT_FLAGS: readonly FlagSpec[] = [
  {
    name: 'split-seed',
    type: 'integer',
    min: 0,
    default: TRAIN_DEFAULTS.split.seed,
    description: 'seed of the train/validation/test split (hls4ml: 42)',
  },
  {
    name: 'test-fraction',
    type: 'number',
    min: 0,
    minInclusive: false,
    max: 0.9,
    default: TRAIN_DEFAULTS.split.testFraction,
    description: 'fraction of rows held out for test',
  },
  {
    name: 'val-fraction',
    type: 'number',
    min: 0,
    minInclusive: false,
    max: 0.9,
    default: TRAIN_DEFAULTS.split.valFraction,
    description: 'fraction of the training rows held out for validation',
  },
];

/** The compute backend flag. */
/** `--engine`, shared by ch train and ch test. */
export const ENGINE_FLAG: FlagSpec = {
  name: 'engine',
  type: 'string',
  choices: ['auto', 'tfjs', 'fused'],
  default: TRAIN_DEFAULTS.engine,
  description:
    'compute engine: fused (sequential layer lists, WebAssembly SIMD), tfjs, or auto (fused when the model allows it)',
};

/** `--threads` of ch train: the fused engine's threads. */
export const THREADS_FLAG: FlagSpec = {
  name: 'threads',
  type: 'string',
  choices: ['auto', '1', '2'],
  default: TRAIN_DEFAULTS.threads,
  description:
    'threads of the fused engine: 2 splits each batch between two (same results up to rounding), auto takes 2 for large steps on 2+ cores',
};

export const BACKEND_FLAG: FlagSpec = {
  name: 'backend',
  type: 'string',
  choices: ['auto', 'tensorflow', 'wasm', 'cpu'],
  default: 'auto',
  description: 'compute backend (also MACHOP_BACKEND); auto picks the fastest that starts',
};

/**
 * Flags of `ch train`, with MASE's names and defaults. Their values can also come from a config
 * file (`--config`), whose keys are these names.
 */
export const TRAIN_FLAGS: readonly FlagSpec[] = [
  {
    name: 'max-epochs',
    type: 'integer',
    min: 1,
    default: TRAIN_DEFAULTS.maxEpochs,
    description: 'number of epochs',
  },
  {
    name: 'batch-size',
    type: 'integer',
    min: 1,
    default: TRAIN_DEFAULTS.batchSize,
    description: 'samples per training step',
  },
  {
    name: 'learning-rate',
    type: 'number',
    min: 0,
    minInclusive: false,
    default: TRAIN_DEFAULTS.learningRate,
    description: 'initial learning rate',
  },
  {
    name: 'weight-decay',
    type: 'number',
    min: 0,
    default: TRAIN_DEFAULTS.weightDecay,
    description: 'weight decay (L2 for adam and sgd, decoupled for adamw)',
  },
  {
    name: 'optimizer',
    type: 'string',
    choices: ['adam', 'adamw', 'sgd'],
    default: TRAIN_DEFAULTS.optimizer,
    description: 'optimizer (sgd: momentum 0.9, nesterov)',
  },
  {
    name: 'scheduler',
    type: 'string',
    choices: ['cosine', 'step', 'none'],
    default: TRAIN_DEFAULTS.scheduler,
    description: 'learning-rate schedule, per epoch (cosine: T_max = max epochs, eta_min 1e-6)',
  },
  {
    name: 'step-size',
    type: 'integer',
    min: 1,
    default: TRAIN_DEFAULTS.stepSize,
    description: 'epochs between decays of --scheduler step',
  },
  {
    name: 'gamma',
    type: 'number',
    min: 0,
    minInclusive: false,
    max: 1,
    default: TRAIN_DEFAULTS.gamma,
    description: 'decay factor of --scheduler step',
  },
  {
    name: 'seed',
    type: 'integer',
    min: 0,
    default: TRAIN_DEFAULTS.seed,
    description: 'seed of initialisation, shuffling and dropout',
  },
  {
    name: 'log-every-n-steps',
    type: 'integer',
    min: 1,
    default: TRAIN_DEFAULTS.logEveryNSteps,
    description: 'log train_loss_step and train_acc_step every N steps',
  },
  {
    name: 'monitor',
    type: 'string',
    choices: EPOCH_METRICS,
    default: TRAIN_DEFAULTS.monitor,
    description: 'metric that picks the best checkpoint and drives early stopping',
  },
  {
    name: 'mode',
    type: 'string',
    choices: ['min', 'max'],
    description:
      'whether the monitored metric should go down or up (default max for accuracies, else min)',
  },
  {
    name: 'early-stopping-patience',
    type: 'integer',
    min: 1,
    description: 'stop after N epochs without improvement of --monitor',
  },
  {
    name: 'max-time',
    type: 'string',
    value: 'DD:HH:MM:SS|SECONDS',
    description: 'end the run cleanly after this much time',
  },
  {
    name: 'test',
    type: 'boolean',
    default: TRAIN_DEFAULTS.test,
    description: 'evaluate the best checkpoint on the test split at the end (--no-test to skip)',
  },
  ENGINE_FLAG,
  THREADS_FLAG,
  ...SPLIT_FLAGS,
  {
    name: 'project',
    type: 'string',
    description: 'project name (default <model>_<dataset>_<date>)',
  },
  {
    name: 'name',
    type: 'string',
    description: 'a name for the run, added to its id: <date>T<time>_<name>',
  },
  {
    name: 'tag',
    type: 'string-list',
    repeatable: true,
    value: 'TAG',
    description: 'a tag recorded with the run (repeatable), for ch runs --filter and the dashboard',
  },
  {
    name: 'project-dir',
    type: 'string',
    value: 'DIR',
    default: TRAIN_DEFAULTS.projectDir,
    description: 'folder holding projects',
  },
  {
    name: 'load',
    type: 'string',
    value: 'RUN|CHECKPOINT',
    description: 'start from the weights of a run or checkpoint',
  },
  {
    name: 'resume',
    type: 'string',
    value: 'RUN',
    description: 'continue an interrupted run from its last completed epoch',
  },
  BACKEND_FLAG,
];

/** Flags of `ch train` that are not run settings (not saved, not accepted in config files). */
export const TRAIN_COMMAND_FLAGS: readonly FlagSpec[] = [
  {
    name: 'config',
    type: 'string',
    value: 'FILE',
    description: 'TOML or JSON file of settings (keys are flag names)',
  },
  { name: 'quiet', type: 'boolean', description: 'no progress output' },
];
