import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

function tempSibling(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
}

/**
 * Write a file atomically: the data goes to a temporary file in the same folder, is flushed to
 * disk, then renamed over `file`. Readers see the old file or the new one, never half of one;
 * on failure (full disk, no permission) the temporary file is removed and `file` is untouched.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
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
}

/** {@link writeFileAtomic} for a JSON value, pretty-printed with a final newline. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Write a whole folder atomically: `fill` writes into a temporary folder beside `dir`, which then
 * replaces `dir`. If `fill` throws, `dir` keeps its previous contents.
 */
export async function writeDirAtomic(
  dir: string,
  fill: (tempDir: string) => Promise<void>,
): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true });
  const temp = tempSibling(dir);
  const old = tempSibling(dir);
  await mkdir(temp);
  try {
    await fill(temp);
    // A folder cannot be renamed over a non-empty one: move the old one aside first. Between the
    // two renames `dir` is briefly missing, never half-written.
    if (existsSync(dir)) await rename(dir, old);
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(dir)) await rename(old, dir);
    throw error;
  }
  await rm(old, { recursive: true, force: true });
}
