import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { hasCheckpoint, readRun, type SweepMembership } from '@machop/runs';
import { FINISHED } from '@machop/sweep';

/** What `ch sweep` sends a worker once: enough to load the same plugins and backend. */
export interface SweepWorkerInit {
  cwd: string;
  /** `--plugin` values of the sweep command (the project config file's plugins load as well). */
  plugins: string[];
  /** The backend the sweep command chose (`--backend`, or undefined for the default choice). */
  backend: string | undefined;
}

/**
 * One trial for a worker: the `ch train` words that make it (model, data set, fixed settings, the
 * point's values and the seed), where its run folder goes, and whether to resume it.
 */
export interface SweepTrialPayload {
  /** Words as `ch train` takes them: `['jsc-tiny', 'jsc', '--batch-size=64', ...]`. */
  args: string[];
  projectDir: string;
  project: string;
  runId: string;
  /** Continue the run in `<projectDir>/<project>/<runId>` from its last checkpoint. */
  resume: boolean;
  sweep: SweepMembership;
  /** The sweep command, recorded in each trial's config.json. */
  command: string[];
}

/**
 * What a queued trial needs of the worker that takes it; a worker missing any of it refuses the
 * trial with one line instead of failing it.
 */
export interface SweepRequirements {
  /** `@machop/cli`'s version on the machine that made the sweep. */
  version: string;
  model: string;
  dataset: string;
  /** Plugins the sweep command loaded (besides the built-in ones). */
  plugins: { name: string; source: string }[];
  backend: string | null;
}

/**
 * A trial's `ch train` words with `--threads=1` added unless they choose threads already: trials
 * that run side by side each get one thread, as two threads each would only contend for cores.
 */
export function oneThreadEach(args: readonly string[]): string[] {
  const chosen = args.some((word) => word === '--threads' || word.startsWith('--threads='));
  return chosen ? [...args] : [...args, '--threads=1'];
}

/** What to do with a trial now: skip it (finished), resume it, or start it (afresh). */
export async function trialAction(
  runDir: string,
): Promise<{ action: 'skip' | 'resume' | 'start'; status?: string }> {
  const run = await readRun(runDir);
  if (run && FINISHED.includes(run.status)) return { action: 'skip', status: run.status };
  // A live writer (its lock says so) is left to the trainer's run lock, which refuses it with one
  // line and takes over a lock whose holder is gone.
  if (run?.status === 'running') return { action: 'resume' };
  if (run && hasCheckpoint(runDir)) return { action: 'resume' };
  // Died before its first checkpoint (or before config.json): nothing to resume, start again.
  if (existsSync(runDir)) await rm(runDir, { recursive: true, force: true });
  return { action: 'start' };
}
