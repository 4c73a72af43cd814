import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { IoError, LockError } from '@machop/core/base';
import { runPaths } from './files.js';

/** Who holds a run's lock: the contents of `run.lock`. */
export interface LockHolder {
  pid: number;
  host: string;
  /** What the holder is doing, such as `ch train --resume RUN`. */
  command: string;
  startedAt: string;
  /** Tells one acquisition from another (a pid may be reused). */
  token: string;
}

/** A held lock on a run folder; release it when done writing. */
export interface RunLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Remove the lock if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

/** How {@link acquireRunLock} takes a lock and judges an existing one. */
export interface LockOptions {
  /** Recorded in the lock for the message another writer gets. Default `process.argv` joined. */
  command?: string;
  /**
   * A holder on another host is gone once its lock has not been touched for this long (the
   * holder touches it every `staleAfterSeconds / 6`). On this host the holder's pid decides.
   * Default 60.
   */
  staleAfterSeconds?: number;
}

/** What {@link readRunLock} finds. */
export interface LockState {
  holder: LockHolder | null;
  /** False when the holder's process is gone, so the next writer may take the lock over. */
  alive: boolean;
  /** Seconds since the holder last touched the lock. */
  ageSeconds: number;
}

const DEFAULT_STALE_SECONDS = 60;
// A lock file with no holder yet is being written by its creator; after this long it never will be.
const UNWRITTEN_GRACE_SECONDS = 5;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as LockHolder;
    return typeof value?.pid === 'number' && typeof value.token === 'string' ? value : null;
  } catch {
    return null;
  }
}

async function inspect(file: string, staleAfterSeconds: number): Promise<LockState | undefined> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw IoError.from(error, 'read the run lock', file);
  }
  const ageSeconds = Math.max(0, (Date.now() - mtimeMs) / 1000);
  const holder = parseHolder(text);
  if (!holder) return { holder, alive: ageSeconds < UNWRITTEN_GRACE_SECONDS, ageSeconds };
  const alive =
    holder.host === hostname() ? processAlive(holder.pid) : ageSeconds < staleAfterSeconds;
  return { holder, alive, ageSeconds };
}

/**
 * The lock of the run in `runDir`, or undefined when nobody holds it. Readers need no lock; this
 * tells them whether a run without a summary is still being written.
 */
export async function readRunLock(
  runDir: string,
  options: Pick<LockOptions, 'staleAfterSeconds'> = {},
): Promise<LockState | undefined> {
  return inspect(runPaths(runDir).lock, options.staleAfterSeconds ?? DEFAULT_STALE_SECONDS);
}

function describe(runDir: string, state: LockState): string {
  const who = state.holder
    ? `"${state.holder.command}" (pid ${state.holder.pid} on ${state.holder.host}, since ${state.holder.startedAt})`
    : 'a process that is starting';
  return `run ${runDir} is in use by ${who}; wait for it to end or stop it (a lock whose process is gone is taken over by the next writer)`;
}

/**
 * Take the exclusive lock of a run folder: `run.lock`, created with O_EXCL, holding pid, host and
 * command. A lock whose holder is gone (its pid is dead on this host, or on another host it has
 * not been touched for `staleAfterSeconds`) is taken over; a live one is a {@link LockError}
 * naming the holder. The lock is touched periodically until released, and removed if the
 * process exits normally without releasing it.
 *
 * @example
 * const lock = await acquireRunLock(runDir, { command: 'ch train --resume ' + runDir });
 * try { ... } finally { await lock.release(); }
 */
export async function acquireRunLock(runDir: string, options: LockOptions = {}): Promise<RunLock> {
  const file = runPaths(runDir).lock;
  const staleAfterSeconds = options.staleAfterSeconds ?? DEFAULT_STALE_SECONDS;
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command:
      options.command ??
      [
        path.basename(process.argv[1] ?? 'node').replace(/\.[cm]?js$/, ''),
        ...process.argv.slice(2),
      ].join(' '),
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(JSON.stringify(holder) + '\n');
        await handle.sync();
      } finally {
        await handle.close();
      }
      return heldLock(file, holder, staleAfterSeconds);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw IoError.from(error, 'create the run lock', file);
    }
    const state = await inspect(file, staleAfterSeconds);
    if (state === undefined) continue;
    if (state.alive) throw new LockError(describe(runDir, state));
    await takeOver(file, state.holder, holder.token);
  }
  const state = await inspect(file, staleAfterSeconds);
  throw new LockError(state ? describe(runDir, state) : `run ${runDir} is contended: try again`);
}

/**
 * Move a stale lock out of the way. Two writers may both judge it stale: only one rename finds
 * it; if what we moved turns out to be a fresh lock (another writer replaced the stale one
 * meanwhile), it is put back.
 */
async function takeOver(file: string, stale: LockHolder | null, token: string): Promise<void> {
  const aside = `${file}.stale-${token}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw IoError.from(error, 'take over the stale run lock', file);
  }
  const moved = parseHolder(await readFile(aside, 'utf8').catch(() => ''));
  if (moved !== null && stale !== null && moved.token !== stale.token) {
    await link(aside, file).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

function heldLock(file: string, holder: LockHolder, staleAfterSeconds: number): RunLock {
  const touch = setInterval(
    () => {
      const now = new Date();
      utimes(file, now, now).catch(() => undefined);
    },
    Math.max(1000, (staleAfterSeconds * 1000) / 6),
  );
  touch.unref();
  const ours = (): boolean => {
    try {
      return parseHolder(readFileSync(file, 'utf8'))?.token === holder.token;
    } catch {
      return false;
    }
  };
  const onExit = (): void => {
    if (ours()) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', onExit);
  let released = false;
  return {
    file,
    holder,
    async release() {
      if (released) return;
      released = true;
      clearInterval(touch);
      process.removeListener('exit', onExit);
      const text = await readFile(file, 'utf8').catch(() => '');
      if (parseHolder(text)?.token === holder.token) await unlink(file).catch(() => undefined);
    },
  };
}
