import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ConfigError, writeFileAtomic } from '@machop/core';
import { hasCheckpoint, readRun, SWEEPS_DIR } from '@machop/runs';
import {
  checkParameterNames,
  checkWorkers,
  computeSweepTable,
  defaultGoal,
  DEFAULT_METRIC,
  FINISHED,
  LocalExecutor,
  parseGridFlag,
  planTrials,
  readSweep,
  readSweepFile,
  sweepCsv,
  sweepDir,
  sweepId,
  SweepStore,
  type SweepDefinition,
  type SweepRecord,
  type TrialState,
  type TrialTask,
} from '@machop/sweep';
import { kebabCase, type FlagSpec } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { TRAIN_COMMAND_FLAGS, TRAIN_FLAGS } from '../flags.js';
import { formatSweepTable, SweepProgress } from '../sweep-display.js';
import type { SweepTrialPayload, SweepWorkerInit } from '../sweep-trial.js';

// Settings that belong to the sweep rather than to its trials.
const NOT_SWEPT = ['project', 'project-dir', 'resume', 'backend', 'config', 'quiet'];
const TRIAL_FLAGS = [...TRAIN_FLAGS, ...TRAIN_COMMAND_FLAGS].filter(
  (flag) => flag.name !== 'resume',
);

const SWEEP_FLAGS: readonly FlagSpec[] = [
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
];

/** A flag value as `ch train` words. */
function flagWords(name: string, value: unknown): string[] {
  if (value === true) return [`--${name}`];
  if (value === false) return [`--no-${name}`];
  if (Array.isArray(value)) return [`--${name}=${value.join(',')}`];
  return [`--${name}=${String(value)}`];
}

/** The sweep's definition and the settings its trials share, from the command line. */
async function defineSweep(context: CommandContext) {
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
    ...TRIAL_FLAGS.map((flag) => flag.name).filter((name) => !NOT_SWEPT.includes(name)),
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
  for (const text of (args.flags.get('grid') as string[] | undefined) ?? []) {
    const { name, spec } = parseGridFlag(text, method);
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
    const trialFlag = known.includes(name) || name === 'config';
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
  return { definition, base, projectDir, project, backend };
}

/** Find a sweep by id under a project dir (in `--project`, or in any project). */
async function findSweep(
  projectDir: string,
  project: string | undefined,
  id: string,
): Promise<SweepRecord> {
  const projects =
    project !== undefined
      ? [project]
      : (await readdir(projectDir, { withFileTypes: true }).catch(() => []))
          .filter((entry) => entry.isDirectory())
          .map((entry) => entry.name);
  for (const name of projects) {
    const record = await readSweep(sweepDir(projectDir, name, id));
    if (record) return record;
  }
  throw new ConfigError(
    `--resume ${id}: no sweep with that id under ${projectDir}${project ? `/${project}` : ''} (sweeps live in <project>/${SWEEPS_DIR}/<id>); pass --project-dir or --project`,
  );
}

/** What to do with a trial now: skip it (finished), resume it, or start it (afresh). */
async function trialAction(
  runDir: string,
): Promise<{ action: 'skip' | 'resume' | 'start'; status?: string }> {
  const run = await readRun(runDir);
  if (run && FINISHED.includes(run.status)) return { action: 'skip', status: run.status };
  if (run && hasCheckpoint(runDir)) return { action: 'resume' };
  // Died before its first checkpoint (or before config.json): nothing to resume, start again.
  if (existsSync(runDir)) await rm(runDir, { recursive: true, force: true });
  return { action: 'start' };
}

function trialState(status: string): TrialState {
  const known: TrialState[] = [...(FINISHED as TrialState[]), 'interrupted', 'failed'];
  return known.includes(status as TrialState) ? (status as TrialState) : 'failed';
}

async function runSweep(context: CommandContext): Promise<number> {
  const { io, args } = context;
  const workers = checkWorkers(
    (args.flags.get('workers') as number | undefined) ?? availableParallelism(),
  );
  const resumeId = args.flags.get('resume') as string | undefined;
  let record: SweepRecord;
  let projectDir: string;
  if (resumeId !== undefined) {
    projectDir = path.resolve(
      io.cwd,
      (args.flags.get('project-dir') as string | undefined) ?? 'machop_output',
    );
    record = await findSweep(projectDir, args.flags.get('project') as string | undefined, resumeId);
    projectDir = String(record.base.projectDir);
  } else {
    const defined = await defineSweep(context);
    projectDir = defined.projectDir;
    const trials = planTrials(defined.definition);
    const id = sweepId(defined.definition, { args: defined.base });
    const existing = await readSweep(sweepDir(projectDir, defined.project, id));
    const now = new Date().toISOString();
    record = existing ?? {
      format: 'machop-sweep',
      version: 1,
      id,
      project: defined.project,
      createdAt: now,
      updatedAt: now,
      command: ['ch', 'sweep', ...args.positionals],
      definition: defined.definition,
      base: {
        args: defined.base,
        projectDir,
        backend: defined.backend ?? null,
        plugins: args.flags.get('plugin') ?? [],
      },
      table: null,
      trials: await Promise.all(
        trials.map(async (trial) => {
          // A folder of that name that is not this sweep's trial keeps it; ours gets the id too.
          const taken = await readRun(path.join(projectDir, defined.project, trial.name));
          const runId = taken && taken.config.sweep?.id !== id ? `${trial.name}_${id}` : trial.name;
          return {
            name: trial.name,
            runId,
            point: { ...trial.point },
            seed: trial.seed,
            status: 'pending' as const,
            error: null,
            attempts: 0,
            endedAt: null,
          };
        }),
      ),
    };
  }
  const dir = sweepDir(projectDir, record.project, record.id);
  await mkdir(dir, { recursive: true });
  const store = new SweepStore(dir, record);
  const plan = planTrials(record.definition);
  const baseArgs = record.base.args as string[];
  const tasks: TrialTask<SweepTrialPayload>[] = [];
  let skipped = 0;
  for (const trial of record.trials) {
    const runDir = path.join(projectDir, record.project, trial.runId);
    const { action, status } = await trialAction(runDir);
    if (action === 'skip') {
      skipped++;
      trial.status = trialState(status!);
      continue;
    }
    const planned = plan.find((candidate) => candidate.name === trial.name)!;
    const values = { ...planned.fixed, ...planned.point };
    tasks.push({
      name: trial.name,
      payload: {
        args: [
          ...baseArgs,
          ...Object.entries(values).flatMap(([name, value]) => flagWords(name, value)),
          `--seed=${trial.seed}`,
        ],
        projectDir,
        project: record.project,
        runId: trial.runId,
        resume: action === 'resume',
        sweep: { id: record.id, trial: trial.name, point: trial.point, seed: trial.seed },
        command: record.command,
      },
    });
  }
  await store.save();

  const total = record.trials.length;
  if (context.json)
    io.stdout.write(
      JSON.stringify({ event: 'sweep', id: record.id, dir, trials: total, skipped }) + '\n',
    );
  else
    io.stderr.write(
      `sweep ${record.id}: ${total} trials (${skipped} already finished, ${tasks.length} to run) on ${Math.min(workers, Math.max(1, tasks.length))} workers\n${dir}\n`,
    );
  const progress = new SweepProgress(io, tasks.length, record.definition.metric.name);
  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    progress.clear();
    io.stderr.write(
      'interrupted: running trials save a checkpoint and stop; run the same command again to continue (Ctrl-C again to quit at once)\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  const init: SweepWorkerInit = {
    cwd: io.cwd,
    plugins: (record.base.plugins as string[] | undefined) ?? [],
    backend: (record.base.backend as string | null) ?? undefined,
  };
  const executor = new LocalExecutor({
    module: new URL('./sweep-worker.js', import.meta.url),
    workers,
    init,
    env: io.env,
  });
  const pending: Promise<void>[] = [];
  try {
    await executor.run(tasks, {
      signal: controller.signal,
      onEvent: (event) => {
        if (context.json) io.stdout.write(JSON.stringify({ event: event.type, ...event }) + '\n');
        else if (args.flags.get('quiet') !== true) progress.event(event);
        const trial = store.trial(event.trial);
        if (event.type === 'started')
          pending.push(
            store.update(event.trial, { status: 'running', attempts: trial.attempts + 1 }),
          );
        else if (event.type === 'finished')
          pending.push(
            store.update(event.trial, {
              status: trialState(event.status),
              error: event.error,
              endedAt: new Date().toISOString(),
            }),
          );
      },
    });
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    await Promise.all(pending);
  }

  const table = await computeSweepTable(
    projectDir,
    record.project,
    record.id,
    record.definition.metric,
  );
  record.table = table;
  await store.save();
  await writeFileAtomic(path.join(dir, 'sweep.csv'), sweepCsv(table));
  const failed = record.trials.filter((trial) => trial.status === 'failed');
  if (context.json) io.stdout.write(JSON.stringify({ event: 'table', table }) + '\n');
  else {
    io.stdout.write(
      `sweep: ${record.id}\n` +
        formatSweepTable(table, io.stdout.columns ?? 160) +
        `table: ${path.join(dir, 'sweep.csv')}\n`,
    );
    for (const trial of failed)
      io.stderr.write(`failed: ${trial.name}: ${trial.error?.message ?? 'unknown error'}\n`);
  }
  if (controller.signal.aborted) return 130;
  return failed.length > 0 ? 1 : 0;
}

/** `ch sweep MODEL DATASET --grid ...`: run a study as trials in parallel, then tabulate it. */
export const sweepCommand: Command = {
  name: 'sweep',
  usage: 'sweep MODEL DATASET [--grid KEY=V1,V2]... [--seeds 0,1,2] [flags]',
  summary: 'run a grid or random study over settings and seeds, in parallel, and tabulate it',
  details:
    'Every trial is an ordinary run of <project-dir>/<project>/, named by its values (bs64_lr0.001_s0).\n' +
    'The sweep writes <project>/sweeps/<id>/sweep.json and sweep.csv; the same command again (or --resume ID)\n' +
    'skips finished trials and resumes interrupted ones. Any ch train flag or model/data set option can be swept or fixed.',
  entryOptions: true,
  flags: [...TRIAL_FLAGS, ...SWEEP_FLAGS],
  run: runSweep,
};
