import { kebabCase } from '@machop/core/base';

/**
 * One training option, declared once. The `ch train` flag (`--batch-size`), the keys a settings
 * file accepts (`batch-size`, MASE's `batch_size`, `batchSize`), the help line, the settings
 * table, what `ch sweep` may sweep and what a resumed run may change all come from this entry.
 */
export interface TrainOptionSpec {
  /** How the text of the flag is read. */
  type: 'integer' | 'number' | 'string' | 'boolean' | 'string-list';
  /** One line of help. */
  description: string;
  /** The default, shown in help and the settings table; none means "not set". */
  default?: string | number | boolean;
  /** Placeholder shown in help, such as DIR. */
  value?: string;
  choices?: readonly string[];
  /** Lower bound for numbers, included unless `minInclusive` is false. */
  min?: number;
  minInclusive?: boolean;
  /** Upper bound for numbers. */
  max?: number;
  /** May be given several times; values accumulate. */
  repeatable?: boolean;
  /** The flag, when it is not the kebab-case key (`tag` for `tags`). */
  flag?: string;
  /** Whether `ch sweep` may sweep it (`--grid KEY=...`). */
  sweep: boolean;
  /**
   * What `--resume` does with it: `kept` options define the run's numbers, so a value given on
   * resume must equal the run's; `changeable` ones take the new value; `none` are not run settings.
   */
  resume: 'kept' | 'changeable' | 'none';
  /** Where the value goes in {@link TrainOptions}: `split` for the split's fields; `none` for settings of the command only (the backend). */
  group?: 'split' | 'none';
}

/** Metrics computed every epoch, which `monitor` may name. */
export const EPOCH_METRICS = [
  'val_loss_epoch',
  'val_acc_epoch',
  'train_loss_epoch',
  'train_acc_epoch',
] as const;

/**
 * Every option of `ch train` that is a run setting, keyed by its name in {@link TrainOptions}
 * (camelCase), in the order help and the settings table show them. Defaults are MASE's.
 */
export const TRAIN_OPTIONS = {
  maxEpochs: {
    type: 'integer',
    min: 1,
    default: 20,
    description: 'number of epochs',
    sweep: true,
    resume: 'changeable',
  },
  batchSize: {
    type: 'integer',
    min: 1,
    default: 128,
    description: 'samples per training step',
    sweep: true,
    resume: 'kept',
  },
  learningRate: {
    type: 'number',
    min: 0,
    minInclusive: false,
    default: 1e-5,
    description: 'initial learning rate',
    sweep: true,
    resume: 'kept',
  },
  weightDecay: {
    type: 'number',
    min: 0,
    default: 0,
    description: 'weight decay (L2 for adam and sgd, decoupled for adamw)',
    sweep: true,
    resume: 'kept',
  },
  optimizer: {
    type: 'string',
    choices: ['adam', 'adamw', 'sgd'],
    default: 'adam',
    description: 'optimizer (sgd: momentum 0.9, nesterov)',
    sweep: true,
    resume: 'kept',
  },
  scheduler: {
    type: 'string',
    choices: ['cosine', 'step', 'none'],
    default: 'cosine',
    description: 'learning-rate schedule, per epoch (cosine: T_max = max epochs, eta_min 1e-6)',
    sweep: true,
    resume: 'kept',
  },
  stepSize: {
    type: 'integer',
    min: 1,
    default: 10,
    description: 'epochs between decays of --scheduler step',
    sweep: true,
    resume: 'kept',
  },
  gamma: {
    type: 'number',
    min: 0,
    minInclusive: false,
    max: 1,
    default: 0.1,
    description: 'decay factor of --scheduler step',
    sweep: true,
    resume: 'kept',
  },
  seed: {
    type: 'integer',
    min: 0,
    default: 0,
    description: 'seed of initialisation, shuffling and dropout',
    sweep: true,
    resume: 'kept',
  },
  logEveryNSteps: {
    flag: 'log-every-n-steps',
    type: 'integer',
    min: 1,
    default: 50,
    description: 'log train_loss_step and train_acc_step every N steps',
    sweep: true,
    resume: 'kept',
  },
  monitor: {
    type: 'string',
    choices: EPOCH_METRICS,
    default: 'val_loss_epoch',
    description: 'metric that picks the best checkpoint and drives early stopping',
    sweep: true,
    resume: 'kept',
  },
  mode: {
    type: 'string',
    choices: ['min', 'max'],
    description:
      'whether the monitored metric should go down or up (default max for accuracies, else min)',
    sweep: true,
    resume: 'kept',
  },
  earlyStoppingPatience: {
    type: 'integer',
    min: 1,
    description: 'stop after N epochs without improvement of --monitor',
    sweep: true,
    resume: 'kept',
  },
  maxTimeSeconds: {
    flag: 'max-time',
    type: 'string',
    value: 'DD:HH:MM:SS|SECONDS',
    description: 'end the run cleanly after this much time',
    sweep: true,
    resume: 'changeable',
  },
  test: {
    type: 'boolean',
    default: true,
    description: 'evaluate the best checkpoint on the test split at the end (--no-test to skip)',
    sweep: true,
    resume: 'changeable',
  },
  engine: {
    type: 'string',
    value: 'NAME',
    default: 'auto',
    description:
      "compute engine: fused (sequential layer lists, WebAssembly SIMD), tfjs, a plugin's (ch list engines), or auto (the highest priority that runs the model: fused when it can)",
    sweep: true,
    resume: 'changeable',
  },
  threads: {
    type: 'string',
    choices: ['auto', '1', '2'],
    default: 'auto',
    description:
      'threads of the fused engine: 2 splits each batch between two (same results up to rounding; evaluation batches of 512+ rows give the same results), auto takes 2 for large steps and for evaluation on 2+ cores',
    sweep: true,
    resume: 'changeable',
  },
  splitSeed: {
    type: 'integer',
    min: 0,
    default: 42,
    description: 'seed of the train/validation/test split (hls4ml: 42)',
    group: 'split',
    sweep: true,
    resume: 'kept',
  },
  testFraction: {
    type: 'number',
    min: 0,
    minInclusive: false,
    max: 0.9,
    default: 0.2,
    description: 'fraction of rows held out for test',
    group: 'split',
    sweep: true,
    resume: 'kept',
  },
  valFraction: {
    type: 'number',
    min: 0,
    minInclusive: false,
    max: 0.9,
    default: 0.1,
    description: 'fraction of the training rows held out for validation',
    group: 'split',
    sweep: true,
    resume: 'kept',
  },
  project: {
    type: 'string',
    description: 'project name (default <model>_<dataset>_<date>)',
    sweep: false,
    resume: 'none',
  },
  name: {
    type: 'string',
    description: 'a name for the run, added to its id: <date>T<time>_<name>',
    sweep: false,
    resume: 'none',
  },
  tags: {
    flag: 'tag',
    type: 'string-list',
    repeatable: true,
    value: 'TAG',
    description: 'a tag recorded with the run (repeatable), for ch runs --filter and the dashboard',
    sweep: false,
    resume: 'none',
  },
  projectDir: {
    type: 'string',
    value: 'DIR',
    default: './machop_output',
    description: 'folder holding projects',
    sweep: false,
    resume: 'none',
  },
  load: {
    type: 'string',
    value: 'RUN|CHECKPOINT',
    description: 'start from the weights of a run or checkpoint',
    sweep: true,
    resume: 'none',
  },
  resume: {
    type: 'string',
    value: 'RUN',
    description: 'continue an interrupted run from its last completed epoch',
    sweep: false,
    resume: 'none',
  },
  backend: {
    type: 'string',
    choices: ['auto', 'tensorflow', 'wasm', 'cpu'],
    default: 'auto',
    description: 'compute backend (also MACHOP_BACKEND); auto picks the fastest that starts',
    group: 'none',
    sweep: false,
    resume: 'none',
  },
} as const satisfies Record<string, TrainOptionSpec>;

/** The name of a training option in {@link TrainOptions} (`batchSize`). */
export type TrainOptionKey = keyof typeof TRAIN_OPTIONS;

/** The flag of a training option: its key in kebab case (`batch-size`) unless it names its own. */
export function optionFlag(key: TrainOptionKey): string {
  const spec: TrainOptionSpec = TRAIN_OPTIONS[key];
  return spec.flag ?? kebabCase(key);
}

/** The training options as `[key, flag, spec]`, in table order. */
export function trainOptionEntries(): [TrainOptionKey, string, TrainOptionSpec][] {
  return (Object.keys(TRAIN_OPTIONS) as TrainOptionKey[]).map((key) => [
    key,
    optionFlag(key),
    TRAIN_OPTIONS[key],
  ]);
}

/** The options a resumed run keeps (given again, they must equal the run's), by {@link TrainOptions} key. */
export function keptOnResume(): TrainOptionKey[] {
  return trainOptionEntries()
    .filter(([, , spec]) => spec.resume === 'kept' && spec.group === undefined)
    .map(([key]) => key);
}

/** The options a resumed run may change (the session's value wins), by {@link TrainOptions} key. */
export function changeableOnResume(): TrainOptionKey[] {
  return trainOptionEntries()
    .filter(([, , spec]) => spec.resume === 'changeable')
    .map(([key]) => key);
}

/** The field of {@link SplitOptions} a split option sets: `splitSeed` sets `seed`, the others their own name. */
export function splitField(key: TrainOptionKey): string {
  return key === 'splitSeed' ? 'seed' : key;
}
