import type { SweepMembership } from '@machop/runs';

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
