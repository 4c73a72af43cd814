import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverDirAtomic, writeDirAtomic, writeFileAtomic, writeJsonAtomic } from './index.js';

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

describe('atomic writes into a folder that must still be there', () => {
  it('fail with ENOENT and make nothing when the folder was deleted', async () => {
    // A run folder deleted while its run saves: neither the folder nor a part of it comes back.
    const run = path.join(dir, 'project', 'run');
    await mkdir(path.join(run, 'checkpoints'), { recursive: true });
    await rm(run, { recursive: true });
    const mustExist = { createParents: false };
    await expect(
      writeDirAtomic(
        path.join(run, 'checkpoints', 'last'),
        (temp) => writeFile(path.join(temp, 'model.json'), '{}'),
        mustExist,
      ),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(
      writeJsonAtomic(path.join(run, 'summary.json'), { status: 'completed' }, mustExist),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    expect(existsSync(run)).toBe(false);
    expect(await readdir(path.join(dir, 'project'))).toEqual([]);
  });

  it('write as usual while the folder is there', async () => {
    const last = path.join(dir, 'last');
    await writeDirAtomic(last, (temp) => writeFile(path.join(temp, 'model.json'), '{}'), {
      createParents: false,
    });
    expect(await readdir(last)).toEqual(['model.json']);
  });
});

describe('recovering a folder replacement a crash interrupted', () => {
  async function leftover(name: string, content: string): Promise<string> {
    const folder = path.join(dir, name);
    await mkdir(folder);
    await writeFile(path.join(folder, 'model.json'), content);
    return folder;
  }

  it('puts the complete new copy in place when the crash came between the renames', async () => {
    const target = path.join(dir, 'last');
    await leftover('.last.old-1-aa', 'v1');
    await leftover('.last.ready-1-bb', 'v2');
    await leftover('.last.partial-2-cc', 'half');
    await recoverDirAtomic(target);
    expect(await readFile(path.join(target, 'model.json'), 'utf8')).toBe('v2');
    expect(await readdir(dir)).toEqual(['last']);
  });

  it('keeps the current folder and removes a copy that was never finished', async () => {
    const target = await leftover('last', 'v1');
    await leftover('.last.partial-2-cc', 'half');
    await recoverDirAtomic(target);
    expect(await readFile(path.join(target, 'model.json'), 'utf8')).toBe('v1');
    expect(await readdir(dir)).toEqual(['last']);
  });

  it('brings the previous folder back when no complete copy was made', async () => {
    const target = path.join(dir, 'last');
    await leftover('.last.old-1-aa', 'v1');
    await recoverDirAtomic(target);
    expect(await readFile(path.join(target, 'model.json'), 'utf8')).toBe('v1');
  });

  it('leaves a folder alone when nothing was interrupted', async () => {
    const target = await leftover('last', 'v1');
    await leftover('lastish', 'other');
    await recoverDirAtomic(target);
    expect((await readdir(dir)).sort()).toEqual(['last', 'lastish']);
  });
});
