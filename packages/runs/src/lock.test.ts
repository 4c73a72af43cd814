import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isMachopError } from '@machop/core';
import { acquireRunLock, readRunLock } from './lock.js';

const built = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/index.js');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A real process that takes the lock through the built package and holds it until killed. */
async function holder(runDir: string): Promise<ChildProcess> {
  const script = `
    import { acquireRunLock } from ${JSON.stringify(built)};
    await acquireRunLock(process.argv[1], { command: 'holder-process' });
    console.log('locked');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, runDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      if (data.toString().includes('locked')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return child;
}

function runFolder(): string {
  return mkdtempSync(path.join(tmpdir(), 'machop-lock-'));
}

describe('the run lock', () => {
  it('refuses a second writer while another live process holds it, naming the holder', async () => {
    const dir = runFolder();
    const child = await holder(dir);
    const error = await acquireRunLock(dir).catch((caught: unknown) => caught);
    expect(isMachopError(error) && error.code).toBe('E_LOCKED');
    expect((error as Error).message).toContain(`"holder-process" (pid ${child.pid} on `);
    expect((await readRunLock(dir))?.alive).toBe(true);
  });

  it('is taken over once its holder was killed with SIGKILL', async () => {
    const dir = runFolder();
    const child = await holder(dir);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect((await readRunLock(dir))?.alive).toBe(false);
    const lock = await acquireRunLock(dir, { command: 'successor' });
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).command).toBe('successor');
    await lock.release();
    expect(existsSync(lock.file)).toBe(false);
    expect(await readRunLock(dir)).toBeUndefined();
  });

  it('judges a holder on another host by how recently it touched the lock', async () => {
    const dir = runFolder();
    const file = path.join(dir, 'run.lock');
    const foreign = { pid: 1, host: 'elsewhere', command: 'w', startedAt: '', token: 'abc' };
    writeFileSync(file, JSON.stringify(foreign));
    await expect(acquireRunLock(dir)).rejects.toThrow(/in use by "w" \(pid 1 on elsewhere/);
    // Touched 2 s ago: stale for a 1 s limit, alive for the default 60 s.
    const { utimesSync } = await import('node:fs');
    const past = new Date(Date.now() - 2000);
    utimesSync(file, past, past);
    expect((await readRunLock(dir))?.alive).toBe(true);
    expect((await readRunLock(dir, { staleAfterSeconds: 1 }))?.alive).toBe(false);
    const lock = await acquireRunLock(dir, { staleAfterSeconds: 1 });
    expect(lock.holder.pid).toBe(process.pid);
    await lock.release();
  });

  it('lets exactly one of many concurrent writers win', async () => {
    const dir = runFolder();
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquireRunLock(dir)));
    const won = results.filter((result) => result.status === 'fulfilled');
    expect(won).toHaveLength(1);
    await won[0].value.release();
  });

  it('does not remove a lock that another writer took over', async () => {
    const dir = runFolder();
    const lock = await acquireRunLock(dir);
    const other = { pid: 1, host: 'elsewhere', command: 'w', startedAt: '', token: 'other' };
    writeFileSync(lock.file, JSON.stringify(other));
    await lock.release();
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).token).toBe('other');
  });
});
