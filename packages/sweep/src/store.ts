import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, IoError, writeJsonAtomic } from '@machop/core/base';
import { SWEEPS_DIR, type SweepMembership } from '@machop/runs';
import type { TrialError } from './executor.js';
import type { SweepDefinition } from './plan.js';
import type { SweepTable } from './table.js';

/** Where a trial stands, as the sweep last saw it. */
export type TrialState =
  | 'pending'
  | 'running'
  | 'completed'
  | 'early-stopped'
  | 'time-limit'
  | 'diverged'
  | 'interrupted'
  | 'failed';

/** Run statuses after which a trial is done and is not run again. */
export const FINISHED: readonly string[] = ['completed', 'early-stopped', 'time-limit', 'diverged'];

/** One trial in sweep.json. */
export interface TrialRecord {
  name: string;
  /** Its run folder's name in the project (the trial name unless another run had taken it). */
  runId: string;
  point: SweepMembership['point'];
  seed: number;
  status: TrialState;
  error: TrialError | null;
  /** Times the trial was started or resumed. */
  attempts: number;
  endedAt: string | null;
}

/** `<project>/sweeps/<id>/sweep.json`: the definition, the trial list and each trial's status. */
export interface SweepRecord {
  format: 'machop-sweep';
  version: 1;
  id: string;
  project: string;
  createdAt: string;
  updatedAt: string;
  /** The command that started the sweep, to show and to resume from. */
  command: string[];
  definition: SweepDefinition;
  /** Everything the trials share (model, data set, fixed settings), as the command gave it. */
  base: Record<string, unknown>;
  trials: TrialRecord[];
  /** The table as last computed from the run folders, or null before the first trial ended. */
  table: SweepTable | null;
}

/** The folder of a sweep: `<projectDir>/<project>/sweeps/<id>`. */
export function sweepDir(projectDir: string, project: string, id: string): string {
  return path.resolve(projectDir, project, SWEEPS_DIR, id);
}

/** Read a sweep's record, or undefined when the sweep does not exist yet. */
export async function readSweep(dir: string): Promise<SweepRecord | undefined> {
  const file = path.join(dir, 'sweep.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw IoError.from(error, 'read', file);
  }
  let record: SweepRecord;
  try {
    record = JSON.parse(text) as SweepRecord;
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON; move it away to start the sweep again`, {
      cause: error,
    });
  }
  if (record?.format !== 'machop-sweep')
    throw new ConfigError(`${file} is not a Machop.ts sweep record`);
  return record;
}

/**
 * The one writer of a sweep.json. Every change is saved atomically (a temp file renamed over the
 * old one), one save at a time, so a reader or a crash never sees half a file.
 */
export class SweepStore {
  readonly dir: string;
  readonly record: SweepRecord;
  #saving: Promise<void> = Promise.resolve();

  constructor(dir: string, record: SweepRecord) {
    this.dir = dir;
    this.record = record;
  }

  get file(): string {
    return path.join(this.dir, 'sweep.json');
  }

  trial(name: string): TrialRecord {
    const trial = this.record.trials.find((candidate) => candidate.name === name);
    if (!trial) throw new Error(`no trial ${name} in sweep ${this.record.id}`);
    return trial;
  }

  /** Change a trial and save. */
  update(name: string, change: Partial<TrialRecord>): Promise<void> {
    Object.assign(this.trial(name), change);
    return this.save();
  }

  /**
   * Save the record as it is now (after any earlier saves). A failed save (a full disk) rejects
   * with an {@link IoError} naming the file and leaves the last saved file whole; later saves
   * still run, so one that finds room again writes everything.
   */
  save(): Promise<void> {
    const saving = this.#saving
      .catch(() => undefined)
      .then(async () => {
        this.record.updatedAt = new Date().toISOString();
        try {
          await writeJsonAtomic(this.file, this.record);
        } catch (error) {
          throw IoError.from(error, 'write', this.file);
        }
      });
    this.#saving = saving;
    return saving;
  }
}
