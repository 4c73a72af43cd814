// What each trial of a sweep does on this run of the command (skip, start, resume, or refuse a
// damaged finished run), turned into the tasks an executor runs.
import path from 'node:path';
import { ConfigError } from '@machop/core';
import {
  FINISHED,
  planTrials,
  type SweepRecord,
  type TrialState,
  type TrialTask,
} from '@machop/sweep';
import type { CommandContext } from './command.js';
import { flagWords } from './sweep-definition.js';
import { oneThreadEach, type SweepRequirements, type SweepTrialPayload } from './sweep-trial.js';
import { damagedLine, trialAction } from './trial-folder.js';
import { packageVersions } from './versions.js';

/** The tasks to run, and how many trials had already finished. */
export interface SweepTasks {
  tasks: TrialTask<SweepTrialPayload>[];
  skipped: number;
}

/**
 * What a worker must have to run this sweep's trials: kept in sweep.json when first enqueued, so
 * a re-attached coordinator (which may not load the plugins again) asks for the same.
 */
export function requirementsOf(context: CommandContext, record: SweepRecord): SweepRequirements {
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

/** A run's status as a trial's state in sweep.json (anything unknown counts as failed). */
export function trialState(status: string): TrialState {
  const known: TrialState[] = [...(FINISHED as TrialState[]), 'interrupted', 'failed'];
  return known.includes(status as TrialState) ? (status as TrialState) : 'failed';
}

/**
 * Decide what each trial does now, from its run folder: a finished one is skipped, an interrupted
 * one resumed, a folder that is not its own run left alone for a new name. A damaged finished run
 * stops the sweep before anything starts. Trials' run ids and states are updated in `record`.
 */
export async function sweepTasks(
  context: CommandContext,
  record: SweepRecord,
  projectDir: string,
  workers: number,
): Promise<SweepTasks> {
  const { io, args } = context;
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
  return { tasks, skipped };
}
