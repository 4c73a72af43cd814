import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@machop/core';
import { acquireRunLock } from '@machop/runs';
import {
  checkWorkers,
  planTrials,
  readSweep,
  sweepDir,
  sweepId,
  SweepStore,
  trialCount,
  type SweepRecord,
} from '@machop/sweep';
import { checkQueueUrl } from '@machop/sweep/queue';
import type { CommandBody, CommandContext } from '../command.js';
import { checkTrials, TRIAL_LIMIT } from '../sweep-check.js';
import { defineSweep, SWEEP_FLAGS, TRIAL_FLAGS } from '../sweep-definition.js';
import { DiskReserve } from '../sweep-disk.js';
import { findSweep, makeDir, newRecord } from '../sweep-record.js';
import { runTasks } from '../sweep-run.js';
import { showStatus } from '../sweep-status.js';
import { requirementsOf, sweepTasks } from '../sweep-tasks.js';

/**
 * `ch sweep`: check the flags, find or start the sweep's record, take its lock, and run the
 * trials that are not finished yet.
 */
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
    const { tasks, skipped } = await sweepTasks(context, record, projectDir, workers);
    // Kept in sweep.json (saved next), so a re-attached coordinator asks workers for the same.
    if (queue !== undefined) requirementsOf(context, record);
    const store = new SweepStore(dir, record);
    await store.save();
    const reserve = new DiskReserve(dir);
    await reserve.hold();
    try {
      return await runTasks(context, store, tasks, { dir, projectDir, workers, skipped, reserve });
    } finally {
      await reserve.release();
    }
  } finally {
    await lock.release();
  }
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
