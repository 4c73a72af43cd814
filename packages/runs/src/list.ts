import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { IoError } from '@machop/core/base';
import { runPaths, SWEEPS_DIR } from './files.js';
import { readRunLock } from './lock.js';
import type { RunConfig, RunStatus, RunSummary, TestReport } from './types.js';

/** A run folder as readers see it. */
export interface RunInfo {
  /** The run id: its folder name. */
  id: string;
  /** The project: the name of the folder holding the run. */
  project: string;
  dir: string;
  config: RunConfig;
  /** null until the run has ended. */
  summary: RunSummary | null;
  /** null unless the run was tested. */
  test: TestReport | null;
  status: RunStatus;
}

async function readJson<T>(file: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw IoError.from(error, 'read', file);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** Whether `inner` is `outer` or inside it. */
function isInside(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * The first file of the run in `runDir` that is a symbolic link leading out of `boundary` (a
 * project folder), or undefined. Readers never follow such a link: a run folder must not make
 * `ch runs` or the dashboard read files elsewhere on the machine.
 */
async function escapingFile(runDir: string, boundary: string): Promise<string | undefined> {
  const { config, metrics, summary, test } = runPaths(runDir);
  for (const file of [config, metrics, summary, test]) {
    let link = false;
    try {
      link = (await lstat(file)).isSymbolicLink();
      if (link && !isInside(await realpath(file), boundary)) return file;
    } catch {
      // Missing, or a link to nothing: readers find no file there, which they already handle.
      if (link) return file;
    }
  }
  return undefined;
}

/**
 * Read the run in `runDir`, or undefined when it is not a run folder (no readable config.json
 * of the run format: a folder being created, or something else).
 */
export async function readRun(runDir: string): Promise<RunInfo | undefined> {
  const paths = runPaths(runDir);
  const config = await readJson<RunConfig>(paths.config);
  if (config?.format !== 'machop-run') return undefined;
  const [summary, test] = await Promise.all([
    readJson<RunSummary>(paths.summary),
    readJson<TestReport>(paths.test),
  ]);
  let status: RunStatus;
  const lock = await readRunLock(paths.dir);
  // A resumed run keeps its old summary until it ends again: a live lock says it is running.
  if (lock?.alive) status = 'running';
  else status = summary?.status ?? 'crashed';
  return {
    id: path.basename(paths.dir),
    project: path.basename(path.dirname(paths.dir)),
    dir: paths.dir,
    config,
    summary,
    test: test?.format === 'machop-test' ? test : null,
    status,
  };
}

async function folders(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw IoError.from(error, 'list', dir);
  }
}

/** Which runs {@link listRuns} returns. */
export interface ListRunsOptions {
  /** Only this project (a folder name under the project dir). */
  project?: string;
  /** Only trials of this sweep. */
  sweep?: string;
  /**
   * Told of each run left out because a file of it is a symbolic link out of its project (never
   * followed); `reason` is one line naming the file. Default: left out silently.
   */
  onSkipped?: (runDir: string, reason: string) => void;
}

/**
 * The runs under a project dir (`<projectDir>/<project>/<run>/config.json`), sorted by project
 * and run id. Folders that are not runs are left out, as is each project's `sweeps/` folder.
 * A run deleted while it is being read is left out too.
 */
export async function listRuns(
  projectDir: string,
  options: ListRunsOptions = {},
): Promise<RunInfo[]> {
  const root = path.resolve(projectDir);
  const projects = options.project === undefined ? await folders(root) : [options.project];
  const runs: RunInfo[] = [];
  for (const project of projects) {
    const projectRoot = path.join(root, project);
    const names = (await folders(projectRoot)).filter((name) => name !== SWEEPS_DIR);
    let boundary: string;
    try {
      boundary = await realpath(projectRoot);
    } catch {
      continue; // deleted meanwhile, or never there
    }
    const found = await Promise.all(
      names.map(async (name) => {
        const dir = path.join(projectRoot, name);
        const escaping = await escapingFile(dir, boundary);
        if (escaping === undefined) return readRun(dir);
        options.onSkipped?.(
          dir,
          `${escaping} is a symbolic link out of project ${projectRoot}; not followed (replace it with the file itself)`,
        );
        return undefined;
      }),
    );
    for (const run of found) {
      if (run === undefined) continue;
      if (options.sweep !== undefined && run.config.sweep?.id !== options.sweep) continue;
      runs.push(run);
    }
  }
  return runs;
}
