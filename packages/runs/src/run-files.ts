import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CheckpointError,
  IoError,
  writeJsonAtomic,
  type AtomicWriteOptions,
} from '@machop/core/base';
import { RUN_FILES, runPaths } from './files.js';
import type { RunConfig, RunSummary, TestReport } from './types.js';

/** The two checkpoints of a run: the best by the monitored metric, and the latest. */
export type CheckpointName = 'best' | 'last';

/** `<runDir>/checkpoints/<name>`: where the run keeps a checkpoint (tfjs layout plus trainer state). */
export function checkpointDir(runDir: string, name: CheckpointName): string {
  return path.join(runPaths(runDir).checkpoints, name);
}

/**
 * The run folder a checkpoint folder belongs to (`<run>/checkpoints/<name>` beside the run's
 * config.json), or undefined for a checkpoint kept outside any run.
 */
export function runOfCheckpoint(dir: string): string | undefined {
  const parent = path.dirname(path.resolve(dir));
  if (path.basename(parent) !== RUN_FILES.checkpoints) return undefined;
  const runDir = path.dirname(parent);
  return existsSync(runPaths(runDir).config) ? runDir : undefined;
}

/**
 * Read the config.json of the run in `runDir` for a process that will continue it. A missing,
 * damaged or foreign file is a {@link CheckpointError} naming it.
 */
export async function readRunConfig<Options = RunConfig['options']>(
  runDir: string,
): Promise<RunConfig<Options>> {
  const file = runPaths(runDir).config;
  let config: RunConfig<Options> | undefined;
  try {
    config = JSON.parse(await readFile(file, 'utf8')) as RunConfig<Options>;
  } catch (error) {
    throw new CheckpointError(
      `cannot resume ${path.resolve(runDir)}: ${file} is missing or not valid JSON; pass a run folder made by train`,
      { cause: error },
    );
  }
  if (config?.format !== 'machop-run' || !config.options)
    throw new CheckpointError(
      `cannot resume ${path.resolve(runDir)}: ${file} is not a Machop.ts run configuration`,
    );
  return config;
}

/** The summary.json of the run in `runDir`, or null when it has none yet (or a damaged one). */
export async function readRunSummary(runDir: string): Promise<RunSummary | null> {
  try {
    const summary = JSON.parse(await readFile(runPaths(runDir).summary, 'utf8')) as RunSummary;
    return typeof summary?.status === 'string' ? summary : null;
  } catch {
    return null;
  }
}

/**
 * Write test.json (atomically) into `dir`, a run folder or, for a checkpoint outside any run,
 * the checkpoint folder; returns its path.
 */
export async function writeTestReport(
  dir: string,
  report: TestReport,
  options: AtomicWriteOptions = {},
): Promise<string> {
  const file = runPaths(dir).test;
  await writeJsonAtomic(file, report, options);
  return file;
}

/** Writes into a run folder never make it, or a part of it, again. */
const INTO_EXISTING: AtomicWriteOptions = { createParents: false };

/** What identifies a folder on disk: a folder deleted and made again is another folder. */
function identity(dir: string): string | undefined {
  try {
    const stats = statSync(dir);
    return stats.isDirectory() ? `${stats.dev}:${stats.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The writer of one run folder: the trainer writes config.json, summary.json, test.json and
 * finds its checkpoint folders through it. Every write is atomic (a temporary name, then a
 * rename), and first checks that the folder is still the one the run started in: a run folder
 * deleted while training stops the run with one line, instead of quietly
 * re-creating half a folder or ending `completed` into nowhere.
 */
export class RunWriter {
  private readonly identity: string;

  private constructor(
    /** The run folder's absolute path. */
    readonly dir: string,
    identity: string,
  ) {
    this.identity = identity;
  }

  /** Start writing the run in the existing folder `runDir`. */
  static open(runDir: string): RunWriter {
    const dir = path.resolve(runDir);
    const found = identity(dir);
    if (found === undefined)
      throw new IoError(`run folder ${dir} does not exist; pass a run folder made by ch train`);
    return new RunWriter(dir, found);
  }

  /** The paths of the run's files. */
  get paths() {
    return runPaths(this.dir);
  }

  /**
   * Throw an {@link IoError} if the run folder was deleted since the run started.
   * Cheap (one stat): the trainer calls it before every write, the metric lines included.
   */
  ensurePresent(): void {
    if (identity(this.dir) !== this.identity)
      throw new IoError(
        `run folder ${this.dir} was deleted while the run was writing to it; the run stopped, nothing was re-created: start the run again`,
      );
  }

  /** `checkpoints/<name>` of this run, checking first that the run folder is still there. */
  checkpoint(name: CheckpointName): string {
    this.ensurePresent();
    return checkpointDir(this.dir, name);
  }

  /**
   * Save checkpoint `name`: `save` writes the folder it is given, which must not make missing
   * parents (core's `saveModel` or `writeDirAtomic` with `createParents: false`). `checkpoints/` is made
   * here only inside the run folder as it still is, so a folder deleted during the save fails it
   * with the run-deleted line and nothing comes back.
   */
  async saveCheckpoint(name: CheckpointName, save: (dir: string) => Promise<void>): Promise<void> {
    const dir = this.checkpoint(name);
    await this.guard(async () => {
      // Not recursive: a missing run folder is an error here, never made again.
      await mkdir(path.dirname(dir)).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      });
      await save(dir);
    });
  }

  /** Write config.json. */
  async writeConfig(config: RunConfig<object>): Promise<void> {
    await this.guard(() => writeJsonAtomic(this.paths.config, config, INTO_EXISTING));
  }

  /** Write summary.json: the run has ended. */
  async writeSummary(summary: RunSummary): Promise<void> {
    await this.guard(() => writeJsonAtomic(this.paths.summary, summary, INTO_EXISTING));
  }

  /** Write test.json of the run's tested checkpoint; returns its path. */
  async writeTest(report: TestReport): Promise<string> {
    return this.guard(() => writeTestReport(this.dir, report, INTO_EXISTING));
  }

  /**
   * Run a write into the run folder: checked before, and a write that failed because the folder
   * went away meanwhile reports the deletion rather than a bare ENOENT.
   */
  private async guard<T>(write: () => Promise<T>): Promise<T> {
    this.ensurePresent();
    try {
      return await write();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') this.ensurePresent();
      throw error;
    }
  }
}
