import { mkdir, readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ConfigError, writeFileAtomic } from '@machop/core';
import { acquireRunLock, readRun, SWEEPS_DIR } from '@machop/runs';
import {
  checkWorkers,
  computeSweepTable,
  FINISHED,
  LocalExecutor,
  planTrials,
  readSweep,
  sweepCsv,
  sweepDir,
  sweepId,
  SweepStore,
  type SweepRecord,
  type Executor,
  type TrialState,
  type TrialTask,
} from '@machop/sweep';
import { checkMaxRetries, checkQueueUrl, QueueExecutor } from '@machop/sweep/queue';
import type { CommandBody, CommandContext } from '../command.js';
import { defineSweep, flagWords, SWEEP_FLAGS, TRIAL_FLAGS } from '../sweep-definition.js';
import { formatSweepTable, SweepProgress } from '../sweep-display.js';
import {
  oneThreadEach,
  trialAction,
  type SweepRequirements,
  type SweepTrialPayload,
  type SweepWorkerInit,
} from '../sweep-trial.js';
import { packageVersions } from '../versions.js';
import { counted } from '../words.js';

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

/**
 * What a worker must have to run this sweep's trials: kept in sweep.json when first enqueued, so
 * a re-attached coordinator (which may not load the plugins again) asks for the same.
 */
function requirementsOf(context: CommandContext, record: SweepRecord): SweepRequirements {
  const kept = record.base.requirements as SweepRequirements | undefined;
  if (kept) return kept;
  const [model, dataset] = record.base.args as string[];
  const requirements: SweepRequirements = {
    version: packageVersions()['@machop/cli'] ?? 'unknown',
    model,
    dataset,
    plugins: context.plugins
      .filter((plugin) => plugin.source !== 'built-in' && plugin.source !== '<object>')
      .map(({ name, source }) => ({ name, source })),
    backend: (record.base.backend as string | null) ?? null,
  };
  record.base.requirements = requirements;
  return requirements;
}

/** `ch sweep --status SWEEP --queue URL`: where each trial stands, and the table from the runs. */
async function showStatus(context: CommandContext, id: string, url: string): Promise<number> {
  const { io, args } = context;
  const projectDir = path.resolve(
    io.cwd,
    (args.flags.get('project-dir') as string | undefined) ?? 'machop_output',
  );
  const record = await findSweep(projectDir, args.flags.get('project') as string | undefined, id);
  const executor = new QueueExecutor({ url, sweep: { id: record.id, project: record.project } });
  const states = await executor.status(record.trials.map((trial) => trial.name));
  // The runs beside the sweep folder found here (this machine's mount of the shared storage).
  const runRoot = projectDir;
  const rows = await Promise.all(
    record.trials.map(async (trial, index) => {
      const run = await readRun(path.join(runRoot, record.project, trial.runId));
      const queued = states[index];
      return {
        trial: trial.name,
        // The run folder has the last word on a trial that ended; the queue on one that has not.
        status: run && FINISHED.includes(run.status) ? run.status : queued.state,
        queue: queued.state,
        epoch: queued.progress ? queued.progress.epoch + 1 : null,
        epochs: queued.progress?.epochs ?? null,
        error: queued.outcome?.error?.message ?? null,
      };
    }),
  );
  const table = await computeSweepTable(
    runRoot,
    record.project,
    record.id,
    record.definition.metric,
  );
  if (context.json) {
    io.stdout.write(JSON.stringify({ event: 'status', id: record.id, trials: rows, table }) + '\n');
    return 0;
  }
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  io.stdout.write(
    `sweep: ${record.id}: ${rows.length} trial${rows.length === 1 ? '' : 's'}: ${[...counts].map(([state, count]) => `${count} ${state}`).join(', ')}\n`,
  );
  for (const row of rows)
    if (!FINISHED.includes(row.status))
      io.stdout.write(
        `  ${row.trial}: ${row.status}${row.epoch !== null && row.status === 'active' ? ` (epoch ${row.epoch}/${row.epochs})` : ''}${row.error ? `: ${row.error}` : ''}\n`,
      );
  io.stdout.write(formatSweepTable(table, io.stdout.columns ?? Infinity));
  return 0;
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
  const queue = args.flags.get('queue') as string | undefined;
  if (queue !== undefined) checkQueueUrl(queue);
  for (const flag of ['detach', 'status', 'max-retries'])
    if (args.flags.has(flag) && queue === undefined)
      throw new ConfigError(
        `--${flag} belongs to a sweep on a queue: add --queue redis://HOST:PORT/DB`,
      );
  if (queue !== undefined && args.flags.has('workers'))
    throw new ConfigError(
      '--workers sets local worker processes; with --queue the trials run on ch worker processes: start them with --concurrency N',
    );
  const statusId = args.flags.get('status') as string | undefined;
  if (statusId !== undefined) return showStatus(context, statusId, queue!);
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
      command: [
        'ch',
        'sweep',
        ...args.positionals,
        ...[...args.flags].flatMap(([name, value]) => flagWords(name, value)),
      ],
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
  // One process runs a sweep at a time: a second gets one line naming the first.
  const lock = await acquireRunLock(dir, { command: `ch sweep (sweep ${record.id})` });
  try {
    return await runTrials(context, record, dir, projectDir, workers);
  } finally {
    await lock.release();
  }
}

async function runTrials(
  context: CommandContext,
  record: SweepRecord,
  dir: string,
  projectDir: string,
  workers: number,
): Promise<number> {
  const { io, args } = context;
  const store = new SweepStore(dir, record);
  const plan = planTrials(record.definition);
  const baseArgs = record.base.args as string[];
  // Local trials side by side each get one thread (a queue's workers decide for themselves).
  const sideBySide = workers > 1 && args.flags.get('queue') === undefined;
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
    const words = [
      ...baseArgs,
      ...Object.entries(values).flatMap(([name, value]) => flagWords(name, value)),
      `--seed=${trial.seed}`,
    ];
    tasks.push({
      name: trial.name,
      payload: {
        args: sideBySide ? oneThreadEach(words) : words,
        projectDir,
        project: record.project,
        runId: trial.runId,
        resume: action === 'resume',
        sweep: { id: record.id, trial: trial.name, point: trial.point, seed: trial.seed },
        command: record.command,
      },
    });
  }
  const queue = args.flags.get('queue') as string | undefined;
  // Kept in sweep.json (saved next), so a re-attached coordinator asks workers for the same.
  const requirements = queue !== undefined ? requirementsOf(context, record) : undefined;
  await store.save();

  const total = record.trials.length;
  if (context.json)
    io.stdout.write(
      JSON.stringify({ event: 'sweep', id: record.id, dir, trials: total, skipped }) + '\n',
    );
  else
    io.stderr.write(
      `sweep ${record.id}: ${counted(total, 'trial')} (${skipped} already finished, ${tasks.length} to run) ${
        args.flags.has('queue')
          ? 'on the queue (start ch worker --queue on any machine)'
          : `on ${counted(Math.min(workers, Math.max(1, tasks.length)), 'worker')}`
      }\n${dir}\n`,
    );
  const progress = new SweepProgress(io, tasks.length, record.definition.metric.name);
  const controller = new AbortController();
  let interrupts = 0;
  // Shells report death by a signal as 128 + its number: 130 for Ctrl-C, 143 for SIGTERM.
  let exitCode = 130;
  const onInterrupt = (signal: NodeJS.Signals) => {
    interrupts++;
    if (signal === 'SIGTERM') exitCode = 143;
    if (interrupts > 1) process.exit(exitCode);
    progress.clear();
    io.stderr.write(
      args.flags.has('queue')
        ? `detached: the trials go on on the workers; re-attach with ch sweep --resume ${record.id} --queue ${String(args.flags.get('queue'))}\n`
        : 'interrupted: running trials save a checkpoint and stop; run the same command again to continue (Ctrl-C again to quit at once)\n',
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
  const executor: Executor = queue
    ? new QueueExecutor({
        url: queue,
        sweep: { id: record.id, project: record.project },
        maxRetries: checkMaxRetries((args.flags.get('max-retries') as number | undefined) ?? 2),
        requirements,
      })
    : new LocalExecutor({
        module: new URL('./sweep-worker.js', import.meta.url),
        workers,
        init,
        env: io.env,
      });
  if (executor instanceof QueueExecutor && args.flags.get('detach') === true) {
    await executor.enqueue(tasks);
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    io.stderr.write(
      `enqueued on ${queue}; see progress with: ch sweep --status ${record.id} --queue ${queue} --project-dir ${projectDir}\n`,
    );
    if (context.json)
      io.stdout.write(
        JSON.stringify({ event: 'enqueued', id: record.id, trials: tasks.length }) + '\n',
      );
    else io.stdout.write(`sweep: ${record.id}\n`);
    return 0;
  }
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
        formatSweepTable(table, io.stdout.columns ?? Infinity) +
        `table: ${path.join(dir, 'sweep.csv')}\n`,
    );
    for (const trial of failed)
      io.stderr.write(`failed: ${trial.name}: ${trial.error?.message ?? 'unknown error'}\n`);
    const metric = record.definition.metric.name;
    if (table.rows.length > 0 && table.rows.every((row) => !row.metrics[metric].final))
      io.stderr.write(
        `warning: no finished trial logged ${metric}; the table is not sorted (choose a logged metric with --metric, such as val_acc_epoch)\n`,
      );
  }
  if (controller.signal.aborted) return exitCode;
  return failed.length > 0 ? 1 : 0;
}

/** `ch sweep MODEL DATASET --grid ...`: run a study as trials in parallel, then tabulate it. */
export const sweepCommand: CommandBody = {
  details:
    'Every trial is an ordinary run of <project-dir>/<project>/, named by its values (bs64_lr0.001_s0).\n' +
    'The sweep writes <project>/sweeps/<id>/sweep.json and sweep.csv; the same command again (or --resume ID)\n' +
    'skips finished trials and resumes interrupted ones. Any ch train flag or model/data set option can be swept or fixed.',
  entryOptions: true,
  flags: [...TRIAL_FLAGS, ...SWEEP_FLAGS],
  run: runSweep,
};
