import { trainOptionEntries, type TrainOptionKey } from '@machop/trainer/options';
import type { FlagSpec } from './args.js';

export { GLOBAL_FLAGS } from './global-flags.js';

/** The flag of a training option of the trainer's table: its name, help, default and bounds. */
function optionFlagSpec(
  flag: string,
  spec: ReturnType<typeof trainOptionEntries>[number][2],
): FlagSpec {
  const { type, description, value, choices, min, minInclusive, max, repeatable } = spec;
  return {
    name: flag,
    type,
    description,
    ...(value !== undefined ? { value } : {}),
    ...(spec.default !== undefined ? { default: spec.default } : {}),
    ...(choices !== undefined ? { choices } : {}),
    ...(min !== undefined ? { min } : {}),
    ...(minInclusive !== undefined ? { minInclusive } : {}),
    ...(max !== undefined ? { max } : {}),
    ...(repeatable !== undefined ? { repeatable } : {}),
  };
}

/**
 * Flags of `ch train`, with MASE's names and defaults, made from the trainer's table of options
 * (`TRAIN_OPTIONS`): a new option there is a new flag, config key, help line and settings row.
 * Their values can also come from a config file (`--config`), whose keys are these names.
 */
export const TRAIN_FLAGS: readonly FlagSpec[] = trainOptionEntries().map(([, flag, spec]) =>
  optionFlagSpec(flag, spec),
);

/** The training option of each `ch train` flag, by flag name (`batch-size` -> `batchSize`). */
export const OPTION_OF_FLAG: ReadonlyMap<string, TrainOptionKey> = new Map(
  trainOptionEntries().map(([key, flag]) => [flag, key]),
);

function trainFlag(name: string): FlagSpec {
  return TRAIN_FLAGS.find((flag) => flag.name === name)!;
}

/** Flags of the data split, shared by train, test and info. */
export const SPLIT_FLAGS: readonly FlagSpec[] = ['split-seed', 'test-fraction', 'val-fraction'].map(
  trainFlag,
);

/** `--engine`, shared by ch train and ch test. */
export const ENGINE_FLAG: FlagSpec = trainFlag('engine');

/** `--threads` of ch train: the fused engine's threads. */
export const THREADS_FLAG: FlagSpec = trainFlag('threads');

/** The compute backend flag. */
export const BACKEND_FLAG: FlagSpec = trainFlag('backend');

/** The flags of commands that evaluate a saved run (`ch test`, `ch predict`): batch rows and engine. */
export const EVALUATION_FLAGS: readonly FlagSpec[] = [
  {
    name: 'batch-size',
    type: 'integer',
    min: 1,
    default: 4096,
    description: 'rows per evaluation batch',
  },
  ENGINE_FLAG,
  THREADS_FLAG,
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
  {
    name: 'load-type',
    type: 'string',
    choices: ['mz'],
    description:
      "what --load names: mz, a Machop.ts run or checkpoint (MASE's load_type; a transformed run trains quantized)",
  },
];
