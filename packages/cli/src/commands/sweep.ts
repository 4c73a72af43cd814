import { constants, existsSync } from 'node:fs';
import { access, mkdir, readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ConfigError, IoError, writeFileAtomic } from '@machop/core';
import { acquireRunLock, readRun, SWEEPS_DIR } from '@machop/runs';
import {
  checkWorkers,
  computeSweepTable,
  FINISHED,
  LocalExecutor,
  planTrials,
  readSweep,
  trialCount,
  sweepCsv,
  sweepDir,
  sweepId,
  SweepStore,
  type SweepRecord,
  type TrialRecord,
  type Trial,
  type Executor,
  type ExecutorEvent,
  type TrialState,
  type TrialTask,
} from '@machop/sweep';
import {
  checkMaxRetries,
  checkQueueUrl,
  displayQueueUrl,
  QueueExecutor,
} from '@machop/sweep/queue';
import type { CommandBody, CommandContext } from '../command.js';
import { defineSweep, flagWords, SWEEP_FLAGS, TRIAL_FLAGS } from '../sweep-definition.js';
import { sweepHints } from '../chance-hint.js';
import { finalValue, formatSweepTable, SweepProgress } from '../sweep-display.js';
import { claimedByOtherSweeps, withNamingLock } from '../sweep-naming.js';
import {
  oneThreadEach,
  type SweepRequirements,
  type SweepTrialPayload,
  type SweepWorkerInit,
} from '../sweep-trial.js';
import { checkTrials, TRIAL_LIMIT } from '../sweep-check.js';
import { DiskReserve, isNoRoom, noRoomError } from '../sweep-disk.js';
import { damagedLine, trialAction } from '../trial-folder.js';
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

/** Create a folder, or fail with one line naming the folder and the fix. */
async function makeDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    // A recursive mkdir reports ENOENT for a parent it could not make: the nearest folder that
    // exists says why (read-only, no permission).
    let existing = path.dirname(dir);
    while (!existsSync(existing)) existing = path.dirname(existing);
    const cause = await access(existing, constants.W_OK).then(
      () => error,
      (denied: unknown) => denied,
    );
    throw IoError.from(cause, 'create', dir, 'pass a writable folder with --project-dir');
  }
}

/**
 * A new sweep's record, saved. Its trials are named under the project's naming lock, so sweeps
 * started at once never pick the same folder: a name another sweep claimed, or a folder that is
 * not this trial's own run, is passed over for one that carries the sweep id.
 */
async function newRecord(
  context: CommandContext,
  defined: Awaited<ReturnType<typeof defineSweep>>,
  id: string,
  planned: readonly Trial[],
): Promise<SweepRecord> {
  const { args } = context;
  const { projectDir, project, definition } = defined;
  const projectRoot = path.join(projectDir, project);
  const dir = sweepDir(projectDir, project, id);
  await makeDir(path.dirname(dir));
  const now = new Date().toISOString();
  return withNamingLock(projectRoot, async () => {
    const claimed = await claimedByOtherSweeps(projectRoot, id);
    const trials: TrialRecord[] = [];
    for (const trial of planned) {
      const membership = { id, trial: trial.name, point: trial.point, seed: trial.seed };
      const { runId } = await trialAction(projectRoot, trial.name, membership, { claimed });
      trials.push({
        name: trial.name,
        runId,
        point: { ...trial.point },
        seed: trial.seed,
        status: 'pending',
        error: null,
        attempts: 0,
        endedAt: null,
      });
    }
    const record: SweepRecord = {
      format: 'machop-sweep',
      version: 1,
      id,
      project,
      createdAt: now,
      updatedAt: now,
      command: [
        'ch',
        'sweep',
        ...args.positionals,
        ...[...args.flags]
          // A one-time decision, not part of the sweep.
          .filter(([name]) => name !== 'retrain-damaged')
          .flatMap(([name, value]) => flagWords(name, value)),
      ],
      definition,
      base: {
        args: defined.base,
        projectDir,
        backend: defined.backend ?? null,
        plugins: args.flags.get('plugin') ?? [],
      },
      table: null,
      trials,
    };
    await makeDir(dir);
    // Saved before the lock is released: the next sweep to name its trials sees these claims.
    await new SweepStore(dir, record).save();
    return record;
  });
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
    // Counted, not expanded: a typo that makes a million trials is refused at once.
    const count = trialCount(defined.definition);
    if (count > TRIAL_LIMIT) {
      if (args.flags.get('yes') !== true)
        throw new ConfigError(
          `this sweep has ${count} trials, more than ${TRIAL_LIMIT}: check its ranges, counts and seeds, or pass --yes to run them all`,
        );
      // A sweep this large takes a while to plan, check and name: say what is coming first.
      io.stderr.write(`sweep: ${count} trials; checking and naming them\n`);
    }
    const id = sweepId(defined.definition, { args: defined.base });
    const existing = await readSweep(sweepDir(projectDir, defined.project, id));
    if (existing) record = existing;
    else {
      const trials = planTrials(defined.definition);
      // Every value by ch train's rules before anything exists on disk.
      await checkTrials(context, defined.base, trials, defined.where);
      record = await newRecord(context, defined, id, trials);
    }
  }
  const dir = sweepDir(projectDir, record.project, record.id);
  await makeDir(dir);
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
  const plan = new Map(planTrials(record.definition).map((trial) => [trial.name, trial]));
  const baseArgs = record.base.args as string[];
  // Local trials side by side each get one thread (a queue's workers decide for themselves).
  const sideBySide = workers > 1 && args.flags.get('queue') === undefined;
  const tasks: TrialTask<SweepTrialPayload>[] = [];
  let skipped = 0;
  const damaged: string[] = [];
  const projectRoot = path.join(projectDir, record.project);
  const retrainDamaged = args.flags.get('retrain-damaged') === true;
  for (const trial of record.trials) {
    const membership = { id: record.id, trial: trial.name, point: trial.point, seed: trial.seed };
    const found = await trialAction(projectRoot, trial.runId, membership, { retrainDamaged });
    if (found.action === 'damaged') {
      damaged.push(damagedLine(trial.name, found.file, found.reason));
      continue;
    }
    // A folder at the recorded path that is not this trial's run is left alone: a new name.
    if (found.runId !== trial.runId) {
      if (found.action === 'start')
        io.stderr.write(
          `trial ${trial.name}: ${path.join(projectRoot, trial.runId)} is not this trial's run and is left alone; the trial trains in ${found.runId}\n`,
        );
      trial.runId = found.runId;
    }
    if (found.action === 'skip') {
      skipped++;
      trial.status = trialState(found.status);
      continue;
    }
    const planned = plan.get(trial.name)!;
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
        resume: found.action === 'resume',
        sweep: { id: record.id, trial: trial.name, point: trial.point, seed: trial.seed },
        command: record.command,
      },
    });
  }
  if (damaged.length > 0) {
    // Nothing starts: the user decides what a damaged finished run is worth.
    for (const line of damaged.slice(0, -1)) io.stderr.write(`error: ${line}\n`);
    throw new ConfigError(damaged[damaged.length - 1]);
  }
  const queue = args.flags.get('queue') as string | undefined;
  // Kept in sweep.json (saved next), so a re-attached coordinator asks workers for the same.
  if (queue !== undefined) requirementsOf(context, record);
  await store.save();
  const reserve = new DiskReserve(dir);
  await reserve.hold();
  try {
    return await runTasks(context, store, tasks, { dir, projectDir, workers, skipped, reserve });
  } finally {
    await reserve.release();
  }
}

async function runTasks(
  context: CommandContext,
  store: SweepStore,
  tasks: TrialTask<SweepTrialPayload>[],
  where: {
    dir: string;
    projectDir: string;
    workers: number;
    skipped: number;
    reserve: DiskReserve;
  },
): Promise<number> {
  const { io, args } = context;
  const { record } = store;
  const { dir, projectDir, workers, skipped } = where;
  const queue = args.flags.get('queue') as string | undefined;
  const requirements = record.base.requirements as SweepRequirements | undefined;

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
        ? `detached: the trials go on on the workers; re-attach with ch sweep --resume ${record.id} --queue ${displayQueueUrl(String(args.flags.get('queue')))}\n`
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
      `enqueued on ${displayQueueUrl(queue!)}; see progress with: ch sweep --status ${record.id} --queue ${displayQueueUrl(queue!)} --project-dir ${projectDir}\n`,
    );
    if (context.json)
      io.stdout.write(
        JSON.stringify({ event: 'enqueued', id: record.id, trials: tasks.length }) + '\n',
      );
    else io.stdout.write(`sweep: ${record.id}\n`);
    return 0;
  }
  const pending: Promise<void>[] = [];
  // A full disk fails every trial after it the same way: stop starting them, and end with one line.
  let noRoom = false;
  let saveError: Error | undefined;
  const noteNoRoom = () => {
    noRoom = true;
    if (!controller.signal.aborted && queue === undefined) controller.abort();
  };
  const saved = (saving: Promise<void>) =>
    saving.catch((error: unknown) => {
      saveError ??= error as Error;
      if (isNoRoom(error)) noteNoRoom();
    });
  const metric = record.definition.metric.name;
  // Progress is shown in order; a finished trial's line waits for its final value to be read.
  let shown = Promise.resolve();
  const show = (event: ExecutorEvent) => {
    shown = shown.then(async () => {
      if (event.type === 'finished' && event.status !== 'failed') {
        const runDir =
          event.runDir ?? path.join(projectDir, record.project, store.trial(event.trial).runId);
        const value = await finalValue(runDir, metric);
        if (value !== undefined) progress.final(event.trial, { [metric]: value });
      }
      progress.event(event);
    });
  };
  try {
    await executor.run(tasks, {
      signal: controller.signal,
      onEvent: (event) => {
        if (context.json) io.stdout.write(JSON.stringify({ event: event.type, ...event }) + '\n');
        else if (args.flags.get('quiet') !== true) show(event);
        const trial = store.trial(event.trial);
        if (event.type === 'started')
          pending.push(
            saved(store.update(event.trial, { status: 'running', attempts: trial.attempts + 1 })),
          );
        else if (event.type === 'finished') {
          if (event.status === 'failed' && isNoRoom(event.error)) noteNoRoom();
          pending.push(
            saved(
              store.update(event.trial, {
                // A queue worker may have found the recorded folder taken and chosen another.
                ...(event.runDir ? { runId: path.basename(event.runDir) } : {}),
                status: trialState(event.status),
                error: event.error,
                endedAt: new Date().toISOString(),
              }),
            ),
          );
        }
      },
    });
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    await Promise.all([...pending, shown]);
  }

  // Trials the disk stopped did not run; they stay pending for the next run of the command.
  for (const trial of record.trials) if (trial.status === 'running') trial.status = 'interrupted';
  const table = await computeSweepTable(
    projectDir,
    record.project,
    record.id,
    record.definition.metric,
  );
  record.table = table;
  // On a full disk the room held since the start is given back for these last two writes.
  if (noRoom) await where.reserve.release();
  await saved(store.save());
  if (!noRoom)
    await writeFileAtomic(path.join(dir, 'sweep.csv'), sweepCsv(table)).catch((error: unknown) => {
      throw IoError.from(error, 'write', path.join(dir, 'sweep.csv'));
    });
  if (noRoom) {
    progress.clear();
    const finished = record.trials.filter((trial) => FINISHED.includes(trial.status)).length;
    throw noRoomError(projectDir, finished, record.trials.length);
  }
  if (saveError !== undefined) throw saveError;
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
    for (const hint of await sweepHints(path.join(projectDir, record.project), table))
      io.stderr.write(`hint: ${hint}\n`);
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
