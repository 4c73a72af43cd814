import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { IoError, LockError } from '@machop/core/base';
import { acquireRunLock, SWEEPS_DIR, type RunLock } from '@machop/runs';
import { readSweep } from '@machop/sweep';

/** How long a sweep waits for another one of the project to finish naming its trials. */
const NAMING_WAIT_MS = 30_000;

/**
 * Hold the project's naming lock (`<project>/sweeps/run.lock`) while `name` runs. Sweeps of one
 * project that start at once name their trials one after another, so each sees the folders the
 * others claimed and two sweeps never pick the same trial folder. The lock is held for
 * milliseconds; a holder that died is taken over by the run lock's rules.
 */
export async function withNamingLock<T>(projectRoot: string, name: () => Promise<T>): Promise<T> {
  const dir = path.join(projectRoot, SWEEPS_DIR);
  const deadline = Date.now() + NAMING_WAIT_MS;
  let lock: RunLock | undefined;
  while (!lock) {
    try {
      lock = await acquireRunLock(dir, { command: 'ch sweep (naming its trials)' });
    } catch (error) {
      if (!(error instanceof LockError) || Date.now() > deadline) throw error;
      // Another sweep is naming its trials, which takes milliseconds: wait for its turn.
      await delay(20);
    }
  }
  try {
    return await name();
  } finally {
    await lock.release();
  }
}

/** Run folder names the project's other sweeps have given their trials. */
export async function claimedByOtherSweeps(projectRoot: string, id: string): Promise<Set<string>> {
  const dir = path.join(projectRoot, SWEEPS_DIR);
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && entry.name !== id)
      .map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw IoError.from(error, 'list', dir);
  }
  const claimed = new Set<string>();
  for (const name of names) {
    // A damaged record of another sweep is that sweep's concern; its trials' folders still
    // exist on disk if it ran, and are seen there.
    const record = await readSweep(path.join(dir, name)).catch(() => undefined);
    for (const trial of record?.trials ?? []) claimed.add(trial.runId);
  }
  return claimed;
}
