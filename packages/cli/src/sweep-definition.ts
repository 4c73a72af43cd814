/** What `ch sweep` is asked to sweep: its flags, and the definition and shared settings they give. */
import path from 'node:path';
import { ConfigError } from '@machop/core/base';
import {
  checkParameterNames,
  defaultGoal,
  DEFAULT_METRIC,
  parseGridFlag,
  readSweepFile,
  type SweepDefinition,
} from '@machop/sweep';
import { trainOptionEntries } from '@machop/trainer/options';
import { kebabCase, type FlagSpec } from './args.js';
import type { CommandContext } from './command.js';
import { TRAIN_COMMAND_FLAGS, TRAIN_FLAGS } from './flags.js';

// Settings a sweep may vary, as the trainer's table of options says; the others (project, tag,
// backend...) belong to the sweep rather than to its trials.
const SWEPT = new Set(
  trainOptionEntries()
    .filter(([, , spec]) => spec.sweep)
    .map(([, flag]) => flag),
);
export const TRIAL_FLAGS: readonly FlagSpec[] = [...TRAIN_FLAGS, ...TRAIN_COMMAND_FLAGS]
  // A trial's run id is its trial name, so --name has no place; --resume means a sweep here.
  .filter((flag) => flag.name !== 'resume' && flag.name !== 'name')
  .map((flag) =>
    flag.name === 'project'
      ? { ...flag, description: 'project name (default <model>_<dataset>_sweeps)' }
      : flag,
  );

export const SWEEP_FLAGS: readonly FlagSpec[] = [
  {
    name: 'grid',
    type: 'string-list',
    repeatable: true,
    value: 'KEY=V1,V2|KEY=LOW:HIGH:log|lin:N',
    description: 'sweep a setting over values or a range (repeat to form a product)',
  },
  {
    name: 'random',
    type: 'integer',
    min: 1,
    value: 'N',
    description: 'draw N points from the ranges (KEY=LOW:HIGH:log|lin) instead of a grid',
  },
  { name: 'sample-seed', type: 'integer', min: 0, description: 'seed of --random draws' },
  {
    name: 'seeds',
    type: 'number-list',
    value: 'S1,S2',
    description: 'run every point with each of these training seeds',
  },
  { name: 'repeat', type: 'integer', min: 1, description: 'run every point with seeds 0..N-1' },
  {
    name: 'sweep',
    type: 'string',
    value: 'FILE',
    description: 'sweep file (TOML or YAML, shaped like a W&B sweep config)',
  },
  {
    name: 'metric',
    type: 'string',
    description: 'metric the table sorts by (default val_acc_epoch)',
  },
  {
    name: 'goal',
    type: 'string',
    choices: ['maximize', 'minimize'],
    description: 'whether --metric should go up or down (default from its name)',
  },
  {
    name: 'workers',
    type: 'integer',
    value: 'N',
    description: 'trials at once, in worker processes (default: the number of cores)',
  },
  {
    name: 'resume',
    type: 'string',
    value: 'SWEEP',
    description: 'continue a sweep by id (running the same command again does the same)',
  },
  {
    name: 'yes',
    type: 'boolean',
    description: 'run a sweep of more than 10000 trials (refused without it, as likely a typo)',
  },
  {
    name: 'retrain-damaged',
    type: 'boolean',
    description:
      'train trials whose finished run has a damaged config.json again, in a new folder (the damaged run is kept)',
  },
  {
    name: 'queue',
    type: 'string',
    value: 'URL',
    description:
      'enqueue the trials on Redis (redis://[:PASSWORD@]HOST:PORT/DB, or rediss:// for TLS) for ch worker on any machine',
  },
  {
    name: 'detach',
    type: 'boolean',
    description: 'with --queue: enqueue and return at once (see progress with --status)',
  },
  {
    name: 'status',
    type: 'string',
    value: 'SWEEP',
    description: 'with --queue: show where the trials of a sweep stand, and its table so far',
  },
  {
    name: 'max-retries',
    type: 'integer',
    min: 0,
    value: 'N',
    description: 'with --queue: runs of a trial after a failure or a lost worker (default 2)',
  },
];

/** A flag value as `ch train` words. */
export function flagWords(name: string, value: unknown): string[] {
  // Repeatable flags repeat; other lists are one comma-separated value.
  if (name === 'tag' || name === 'grid' || name === 'plugin')
    return (value as string[]).map((item) => `--${name}=${item}`);
  if (value === true) return [`--${name}`];
  if (value === false) return [`--no-${name}`];
  if (Array.isArray(value)) return [`--${name}=${value.join(',')}`];
  return [`--${name}=${String(value)}`];
}

/** The sweep's definition and the settings its trials share, from the command line. */
export async function defineSweep(context: CommandContext) {
  const { args, io, registry } = context;
  const [modelName, datasetName, ...extra] = args.positionals;
  if (modelName === undefined || datasetName === undefined || extra.length > 0)
    throw new ConfigError(
      'ch sweep takes MODEL and DATASET, for example "ch sweep jsc-tiny jsc --grid batch-size=64,128"',
    );
  const model = registry.models.get(modelName);
  const dataset = registry.datasets.get(datasetName);
  const entryNames = [...(model.options ?? []), ...(dataset.options ?? [])].map((spec) =>
    kebabCase(spec.name),
  );
  const known = [
    ...TRIAL_FLAGS.map((flag) => flag.name).filter((name) => SWEPT.has(name)),
    ...entryNames,
  ];

  const file = args.flags.get('sweep') as string | undefined;
  const fromFile = file ? await readSweepFile(file, io.cwd) : undefined;
  const random = args.flags.get('random') as number | undefined;
  const method = random !== undefined ? 'random' : (fromFile?.definition.method ?? 'grid');
  const definition: SweepDefinition = {
    method,
    metric: fromFile?.definition.metric ?? DEFAULT_METRIC,
    parameters: { ...fromFile?.definition.parameters },
    ...(random !== undefined || fromFile?.definition.count !== undefined
      ? { count: random ?? fromFile?.definition.count }
      : {}),
    ...(args.flags.has('sample-seed')
      ? { sampleSeed: args.flags.get('sample-seed') as number }
      : {}),
  };
  if (fromFile)
    checkParameterNames(fromFile.definition.parameters, known, (name) =>
      fromFile.where(`parameters.${name}`),
    );
  const fromFlags: SweepDefinition['parameters'] = {};
  const gridFlags = new Map<string, string>();
  for (const text of (args.flags.get('grid') as string[] | undefined) ?? []) {
    const { name, spec } = parseGridFlag(text, method);
    const earlier = gridFlags.get(name);
    if (earlier !== undefined)
      throw new ConfigError(
        `--grid ${text}: ${name} is swept twice (also by --grid ${earlier}); give all its values in one --grid`,
      );
    gridFlags.set(name, text);
    fromFlags[name] = spec;
  }
  checkParameterNames(fromFlags, known, (name) => `--grid ${name}`);
  Object.assign(definition.parameters, fromFlags);
  const seeds = args.flags.get('seeds') as number[] | undefined;
  const repeat = args.flags.get('repeat') as number | undefined;
  if (seeds !== undefined && repeat !== undefined)
    throw new ConfigError('--seeds and --repeat both give the seeds: use one of them');
  if (seeds !== undefined) {
    if (seeds.length === 0) throw new ConfigError('--seeds: empty list, give at least one seed');
    definition.parameters.seed = { values: seeds };
  } else if (repeat !== undefined)
    definition.parameters.seed = { values: Array.from({ length: repeat }, (_, index) => index) };
  else if (args.flags.has('seed') && definition.parameters.seed === undefined)
    definition.parameters.seed = { value: args.flags.get('seed') as number };
  const metricName = args.flags.get('metric') as string | undefined;
  if (metricName !== undefined)
    definition.metric = {
      name: metricName,
      goal: (args.flags.get('goal') as 'maximize' | 'minimize') ?? defaultGoal(metricName),
    };
  else if (args.flags.has('goal'))
    definition.metric = { ...definition.metric, goal: args.flags.get('goal') as 'maximize' };
  if (Object.keys(definition.parameters).length === 0)
    throw new ConfigError(
      'nothing to sweep: give --grid KEY=V1,V2, --random N with ranges, --seeds/--repeat, or --sweep FILE',
    );

  // Settings every trial shares: the train flags given, model and data set options included.
  const base: string[] = [model.name, dataset.name];
  for (const [name, value] of args.flags) {
    if (context.entryFlags.has(name) && !known.includes(name))
      throw new ConfigError(
        `--${name} is not an option of model ${model.name} or data set ${dataset.name} (run "ch info ${model.name}" to see its options)`,
      );
    const trialFlag = known.includes(name) || name === 'config' || name === 'tag';
    if (!trialFlag || name === 'seed') continue;
    if (name in definition.parameters)
      throw new ConfigError(
        `--${name} is both fixed and swept: drop --${name} or its entry in --grid/--sweep`,
      );
    base.push(...flagWords(name, name === 'config' ? path.resolve(io.cwd, String(value)) : value));
  }
  const projectDir = path.resolve(
    io.cwd,
    (args.flags.get('project-dir') as string | undefined) ?? 'machop_output',
  );
  // Not dated like ch train's default: the same command on another day continues the same sweep.
  const project =
    (args.flags.get('project') as string | undefined) ?? `${model.name}_${dataset.name}_sweeps`;
  const backend = args.flags.get('backend') as string | undefined;
  /** Where a swept setting's values were given, to name it in an error. */
  const where = (name: string): string => {
    const flag = gridFlags.get(name);
    if (flag !== undefined) return `--grid ${flag}`;
    return fromFile ? fromFile.where(`parameters.${name}`) : `--${name}`;
  };
  return { definition, base, projectDir, project, backend, where };
}
