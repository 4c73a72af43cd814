// Running a sweep's tasks on an executor (local worker processes or a queue), with progress,
// Ctrl-C, a full disk, and the table at the end.
import path from 'node:path';
import { IoError, writeFileAtomic } from '@machop/core';
import {
  computeSweepTable,
  FINISHED,
  LocalExecutor,
  sweepCsv,
  type Executor,
  type ExecutorEvent,
  type SweepStore,
  type TrialTask,
} from '@machop/sweep';
import { checkMaxRetries, displayQueueUrl, QueueExecutor } from '@machop/sweep/queue';
import { sweepHints } from './chance-hint.js';
import type { CommandContext } from './command.js';
import { finalValue, formatSweepTable, SweepProgress } from './sweep-display.js';
import { isNoRoom, noRoomError, type DiskReserve } from './sweep-disk.js';
import { trialState } from './sweep-tasks.js';
import type { SweepRequirements, SweepTrialPayload, SweepWorkerInit } from './sweep-trial.js';
import { counted } from './words.js';

/** Where a sweep runs, and what it holds while it does. */
export interface SweepPlace {
  dir: string;
  projectDir: string;
  workers: number;
  skipped: number;
  reserve: DiskReserve;
}

/** Run the tasks, keep sweep.json up to date, and end with the table: the command's exit code. */
export async function runTasks(
  context: CommandContext,
  store: SweepStore,
  tasks: TrialTask<SweepTrialPayload>[],
  where: SweepPlace,
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
