// A sweep's record (sweep.json) as `ch sweep` finds or starts it: by id for --resume and
// --status, or new, with its trials named under the project's naming lock.
import { constants, existsSync } from 'node:fs';
import { access, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, IoError } from '@machop/core';
import { SWEEPS_DIR } from '@machop/runs';
import {
  readSweep,
  sweepDir,
  SweepStore,
  type SweepRecord,
  type Trial,
  type TrialRecord,
} from '@machop/sweep';
import type { CommandContext } from './command.js';
import { flagWords, type defineSweep } from './sweep-definition.js';
import { claimedByOtherSweeps, withNamingLock } from './sweep-naming.js';
import { trialAction } from './trial-folder.js';

/** Find a sweep by id under a project dir (in `--project`, or in any project). */
export async function findSweep(
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

/** Create a folder, or fail with one line naming the folder and the fix. */
export async function makeDir(dir: string): Promise<void> {
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
export async function newRecord(
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
