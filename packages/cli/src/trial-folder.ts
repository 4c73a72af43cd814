import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { IoError } from '@machop/core/base';
import { readRun, RUN_FILES, type RunInfo, type SweepMembership } from '@machop/runs';
import { FINISHED } from '@machop/sweep';

/**
 * What is at a trial's run folder path: nothing, the trial's own run (its config.json names this
 * sweep, trial, point and seed), a run whose config.json is damaged, or anything else (a user's
 * folder, another sweep's trial, a plain run), which is never the trial's and never deleted.
 */
export type FolderState =
  | { kind: 'free' }
  | { kind: 'own'; run: RunInfo }
  | { kind: 'damaged'; file: string; reason: string }
  | { kind: 'taken' };

/** A point as text that does not depend on key order, to compare two points. */
function pointKey(point: SweepMembership['point']): string {
  return JSON.stringify(
    Object.keys(point ?? {})
      .sort()
      .map((key) => [key, point[key]]),
  );
}

/** Whether a run's recorded membership is this trial's. */
export function isOwnRun(run: RunInfo, membership: SweepMembership): boolean {
  const sweep = run.config.sweep;
  return (
    !!sweep &&
    sweep.id === membership.id &&
    sweep.trial === membership.trial &&
    sweep.seed === membership.seed &&
    pointKey(sweep.point) === pointKey(membership.point)
  );
}

/** Look at the folder at a trial's run path, without changing anything. */
export async function inspectFolder(
  runDir: string,
  membership: SweepMembership,
): Promise<FolderState> {
  let info;
  try {
    info = await stat(runDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'free' };
    throw IoError.from(error, 'look at', runDir);
  }
  if (!info.isDirectory()) return { kind: 'taken' };
  const run = await readRun(runDir);
  if (run) return isOwnRun(run, membership) ? { kind: 'own', run } : { kind: 'taken' };
  // A config.json that cannot be read, in a folder that holds a run's other files, is a damaged
  // run; a folder without them (a user's own folder) is simply not ours.
  const file = path.join(runDir, RUN_FILES.config);
  const runFiles = [RUN_FILES.metrics, RUN_FILES.summary, RUN_FILES.checkpoints];
  if (!existsSync(file) || !runFiles.some((name) => existsSync(path.join(runDir, name))))
    return { kind: 'taken' };
  let reason = 'not a Machop.ts run record';
  try {
    JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    reason = error instanceof SyntaxError ? 'not valid JSON' : String(error);
  }
  return { kind: 'damaged', file, reason };
}

/** Folder names a trial may take, in order: its recorded id, then ones that carry the sweep id. */
export function* candidateIds(trial: string, runId: string, sweep: string): Generator<string> {
  yield runId;
  const own = `${trial}_${sweep}`;
  if (runId !== own) yield own;
  for (let counter = 2; ; counter++) yield `${own}-${counter}`;
}

/** What to do with a trial now. */
export type TrialAction =
  /** Its own run finished: not run again. */
  | { action: 'skip'; runId: string; status: string }
  /** Its own run exists unfinished: continue it (from its checkpoint, or from the start). */
  | { action: 'resume'; runId: string }
  /** Nothing of it exists: a new run in a free folder. */
  | { action: 'start'; runId: string }
  /** Its finished run's config.json is damaged: kept, and the user decides. */
  | { action: 'damaged'; runId: string; file: string; reason: string };

/** How {@link trialAction} treats a damaged run. */
export interface TrialActionOptions {
  /** Train the trial again in a new folder, leaving the damaged one as it is. */
  retrainDamaged?: boolean;
  /** Folder names other sweeps of the project have claimed: never taken by this trial. */
  claimed?: ReadonlySet<string>;
}

/**
 * Decide a trial's action from its run folder. A folder at its path that is not its own run is
 * never touched: the trial takes the next free name, as a clash between runs does. Only the
 * trial's own run is skipped (finished) or resumed, so another sweep's run of the same name never
 * counts as this one's.
 */
export async function trialAction(
  projectRoot: string,
  runId: string,
  membership: SweepMembership,
  options: TrialActionOptions = {},
): Promise<TrialAction> {
  for (const candidate of candidateIds(membership.trial, runId, membership.id)) {
    if (options.claimed?.has(candidate)) continue;
    const state = await inspectFolder(path.join(projectRoot, candidate), membership);
    if (state.kind === 'free') return { action: 'start', runId: candidate };
    if (state.kind === 'own') {
      if (FINISHED.includes(state.run.status))
        return { action: 'skip', runId: candidate, status: state.run.status };
      // A live writer (its lock says so) is left to the trainer's run lock, which refuses it with
      // one line and takes over a lock whose holder is gone; a run that died before its first
      // checkpoint is trained again from the start in its own folder by the trainer's resume.
      return { action: 'resume', runId: candidate };
    }
    if (state.kind === 'damaged' && !options.retrainDamaged)
      return { action: 'damaged', runId: candidate, file: state.file, reason: state.reason };
  }
  throw new Error('unreachable: candidate names never end');
}

/** The one line that reports a damaged trial run and what the user can do. */
export function damagedLine(trial: string, file: string, reason: string): string {
  return `trial ${trial}: ${file} is damaged (${reason}); the run is kept: repair or move it away, or pass --retrain-damaged to train the trial again in a new folder`;
}
