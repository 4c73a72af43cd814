import path from 'node:path';

/** Names of the files and folders in a run folder. */
export const RUN_FILES = {
  config: 'config.json',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
  test: 'test.json',
  checkpoints: 'checkpoints',
  lock: 'run.lock',
} as const;

/** The folder under a project that holds sweeps (`<project>/sweeps/<sweep-id>/`); never a run. */
export const SWEEPS_DIR = 'sweeps';

/** Absolute paths of a run folder's files. */
export interface RunPaths {
  dir: string;
  config: string;
  metrics: string;
  summary: string;
  test: string;
  checkpoints: string;
  lock: string;
}

/** The paths of the files of the run in `runDir`. */
export function runPaths(runDir: string): RunPaths {
  const dir = path.resolve(runDir);
  return {
    dir,
    config: path.join(dir, RUN_FILES.config),
    metrics: path.join(dir, RUN_FILES.metrics),
    summary: path.join(dir, RUN_FILES.summary),
    test: path.join(dir, RUN_FILES.test),
    checkpoints: path.join(dir, RUN_FILES.checkpoints),
    lock: path.join(dir, RUN_FILES.lock),
  };
}
