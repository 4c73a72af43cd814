import { constants, existsSync, statSync } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, IoError } from '@machop/core/base';

const WRITABLE_HINT = 'pass a writable projectDir (--project-dir)';

function ioError(dir: string, reason: string, cause?: unknown): IoError {
  return new IoError(`cannot create run folder under ${dir}: ${reason}; ${WRITABLE_HINT}`, {
    cause,
  });
}

/**
 * Check, without creating anything, that folders can be created at `dir`: its nearest existing
 * ancestor must be a writable folder. Lets a run fail before loading data rather than after.
 */
export async function checkWritable(dir: string): Promise<void> {
  let existing = path.resolve(dir);
  while (!existsSync(existing)) existing = path.dirname(existing);
  if (!statSync(existing).isDirectory()) throw ioError(dir, `${existing} is a file, not a folder`);
  try {
    await access(existing, constants.W_OK);
  } catch (error) {
    throw ioError(dir, `${existing} is not writable`, error);
  }
}

// Most file systems allow 255 bytes per folder name; a named run's folder is `<time>_<name>`,
// with room for a `-<counter>` should two runs of one name start in the same second.
const MAX_FOLDER_NAME = 255;
const TIME_AND_COUNTER = '2026-11-29T04-10-00_'.length + '-999'.length;

/** The longest `name` a run may be given: its folder name must fit the file system. */
export const MAX_RUN_NAME = MAX_FOLDER_NAME - TIME_AND_COUNTER;

/**
 * Check that a run can be named `name` (`--name`), before anything is loaded: a name too long
 * for a folder name is a {@link ConfigError} that gives the limit.
 */
export function checkRunName(name: string | undefined): void {
  if (name !== undefined && Buffer.byteLength(name) > MAX_RUN_NAME)
    throw new ConfigError(
      `the run name (--name) is ${Buffer.byteLength(name)} characters long, more than the ${MAX_RUN_NAME} a run folder name allows; give a shorter --name`,
    );
}

/** A sortable, readable id from the local time: `2026-11-29T04-10-00`. */
function timestamp(now: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
}

/**
 * Create the run folder `projectRoot/<runId>` and return its path. Without `runId`, the id is the
 * local time plus `name` if given (`2026-11-29T04-10-00_bs64`), else a counter (`_0`, `_1`, ...); each candidate is claimed with
 * an exclusive mkdir, so parallel runs (a sweep's workers) never share a folder.
 */
export async function createRunDir(
  projectRoot: string,
  runId: string | undefined,
  now = new Date(),
  name?: string,
): Promise<string> {
  checkRunName(name);
  try {
    await mkdir(projectRoot, { recursive: true });
  } catch (error) {
    throw IoError.from(error, 'create project folder', projectRoot, WRITABLE_HINT);
  }
  const claim = async (id: string): Promise<boolean> => {
    try {
      await mkdir(path.join(projectRoot, id));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw IoError.from(error, 'create a run folder in', projectRoot, WRITABLE_HINT);
    }
  };
  if (runId !== undefined) {
    if (await claim(runId)) return path.join(projectRoot, runId);
    throw new ConfigError(
      `run folder ${path.join(projectRoot, runId)} already exists: choose another runId, or pass it as resume to continue it`,
    );
  }
  const base = timestamp(now);
  for (let counter = 0; ; counter++) {
    // Named: `<time>_<name>`, then `<time>_<name>-1`, ...; unnamed: `<time>_0`, `<time>_1`, ...
    const id =
      name === undefined
        ? `${base}_${counter}`
        : `${base}_${name}${counter === 0 ? '' : `-${counter}`}`;
    if (await claim(id)) return path.join(projectRoot, id);
  }
}
