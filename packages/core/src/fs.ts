import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

function tempSibling(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
}

/** How an atomic write treats the folder it writes into. */
export interface AtomicWriteOptions {
  /**
   * Make missing parent folders first (the default). `false` for a write into a folder that must
   * still be there, such as a run folder: if it was deleted the write fails with ENOENT and
   * re-creates nothing.
   */
  createParents?: boolean;
}

/**
 * Write a file atomically: the data goes to a temporary file in the same folder, is flushed to
 * disk, then renamed over `file`. Readers see the old file or the new one, never half of one;
 * on failure (full disk, no permission) the temporary file is removed and `file` is untouched.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  if (options.createParents ?? true) await mkdir(path.dirname(file), { recursive: true });
  const temp = tempSibling(file);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(path.dirname(file));
}

/** {@link writeFileAtomic} for a JSON value, pretty-printed with a final newline. */
export async function writeJsonAtomic(
  file: string,
  value: unknown,
  options: AtomicWriteOptions = {},
): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n', options);
}

type Leftover = 'partial' | 'ready' | 'old';

function leftoverSibling(target: string, kind: Leftover): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${kind}-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
}

/** Copies a crash left beside `target`, newest first. */
async function leftoversOf(target: string): Promise<{ kind: Leftover; path: string }[]> {
  const prefix = `.${path.basename(target)}.`;
  const pattern = /^(partial|ready|old)-\d+-[0-9a-f]+$/;
  let names: string[];
  try {
    names = await readdir(path.dirname(target));
  } catch {
    return [];
  }
  const found = await Promise.all(
    names
      .filter((name) => name.startsWith(prefix) && pattern.test(name.slice(prefix.length)))
      .map(async (name) => {
        const full = path.join(path.dirname(target), name);
        const kind = name.slice(prefix.length).split('-')[0] as Leftover;
        return { kind, path: full, time: (await stat(full)).mtimeMs };
      }),
  );
  return found.sort((a, b) => b.time - a.time).map(({ kind, path }) => ({ kind, path }));
}

/** Flush a folder's entries (after a rename), so the rename survives a power cut. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot sync a folder; the rename is still atomic.
  } finally {
    await handle.close();
  }
}

// Tests stop a writer inside the window between the two renames with this variable, to check
// that a kill there loses nothing. It names a file to create on entering the window.
const HOLD_ENV = 'MACHOP_TEST_HOLD_BETWEEN_RENAMES';

async function holdForTests(): Promise<void> {
  const marker = process.env[HOLD_ENV];
  if (!marker) return;
  await writeFile(marker, String(process.pid));
  await new Promise((resolve) => setTimeout(resolve, 60_000));
}

/** Put the complete copy `ready` in place of `dir`, keeping the old `dir` until it is. */
async function swapIn(dir: string, ready: string): Promise<void> {
  const old = leftoverSibling(dir, 'old');
  let moved = false;
  try {
    if (existsSync(dir)) {
      await rename(dir, old);
      moved = true;
      await holdForTests();
    }
    await rename(ready, dir);
  } catch (error) {
    if (moved && !existsSync(dir)) await rename(old, dir);
    throw error;
  }
  await syncDir(path.dirname(dir));
  await rm(old, { recursive: true, force: true });
}

/**
 * Write a whole folder atomically: `fill` writes into a temporary folder beside `dir`, which then
 * replaces `dir`. If `fill` throws, `dir` keeps its previous contents.
 *
 * A folder cannot be renamed over a non-empty one, so the old `dir` is moved aside first. A crash
 * between the two renames leaves `dir` missing but a complete copy beside it (marked `ready`, as
 * it is only once `fill` finished and was flushed); {@link recoverDirAtomic} puts it in place.
 */
export async function writeDirAtomic(
  dir: string,
  fill: (tempDir: string) => Promise<void>,
  options: AtomicWriteOptions = {},
): Promise<void> {
  if (options.createParents ?? true) await mkdir(path.dirname(dir), { recursive: true });
  const partial = leftoverSibling(dir, 'partial');
  await mkdir(partial);
  try {
    await fill(partial);
    await syncDir(partial);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  const ready = leftoverSibling(dir, 'ready');
  await rename(partial, ready);
  await swapIn(dir, ready);
}

/**
 * Repair what a crash inside {@link writeDirAtomic} left: the newest complete copy of `dir`
 * takes its place (or the previous `dir`, if no complete copy was made), and unfinished copies
 * are removed. Only the folder's single writer may call this (for a run: the run lock's holder).
 */
export async function recoverDirAtomic(dir: string): Promise<void> {
  const leftovers = await leftoversOf(dir);
  const ready = leftovers.find((leftover) => leftover.kind === 'ready');
  const old = leftovers.find((leftover) => leftover.kind === 'old');
  if (ready) await swapIn(dir, ready.path);
  else if (old && !existsSync(dir)) await rename(old.path, dir);
  // The copy put in place is no longer at its old path; everything else there is stale.
  for (const leftover of leftovers) await rm(leftover.path, { recursive: true, force: true });
}
