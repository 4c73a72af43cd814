import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeDirAtomic, writeFileAtomic, writeJsonAtomic } from './index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'machop-fs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('atomic writes', () => {
  it('replaces a file and leaves no temporary file behind', async () => {
    const file = path.join(dir, 'nested', 'summary.json');
    await writeJsonAtomic(file, { a: 1 });
    await writeFileAtomic(file, 'second');
    expect(await readFile(file, 'utf8')).toBe('second');
    expect(await readdir(path.dirname(file))).toEqual(['summary.json']);
  });

  it('keeps the old file and cleans up when the write fails', async () => {
    const file = path.join(dir, 'config.json');
    await writeFile(file, 'old');
    // A target that is a non-empty folder makes the final rename fail after the data was written.
    const blocked = path.join(dir, 'blocked');
    await writeFileAtomic(path.join(blocked, 'inside'), 'x');
    await expect(writeFileAtomic(blocked, 'new')).rejects.toThrow();
    expect(await readFile(file, 'utf8')).toBe('old');
    expect((await readdir(dir)).sort()).toEqual(['blocked', 'config.json']);
  });

  it('replaces a whole folder, or keeps the previous one if filling it fails', async () => {
    const target = path.join(dir, 'checkpoints', 'last');
    await writeDirAtomic(target, async (temp) => writeFile(path.join(temp, 'model.json'), 'v1'));
    await writeDirAtomic(target, async (temp) => writeFile(path.join(temp, 'model.json'), 'v2'));
    expect(await readFile(path.join(target, 'model.json'), 'utf8')).toBe('v2');
    await expect(
      writeDirAtomic(target, async (temp) => {
        await writeFile(path.join(temp, 'model.json'), 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrowError('disk full');
    expect(await readFile(path.join(target, 'model.json'), 'utf8')).toBe('v2');
    expect(await readdir(path.dirname(target))).toEqual(['last']);
    expect(existsSync(target)).toBe(true);
  });
});
