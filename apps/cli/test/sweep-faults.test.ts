import { execFileSync } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useJscProject } from './jsc-project.js';
import { runCh } from './run-ch.js';

// End to end: `ch sweep` on a project dir that fails under it, a real full disk (a small tmpfs,
// mounted for the test: it needs root, as in CI's container) and a read-only folder.
let dir: string;
let env: NodeJS.ProcessEnv;
const isRoot = process.getuid?.() === 0;

useJscProject('machop-sweep-faults-', 600, (ready) => ({ dir, env } = ready));

const sweep = (projectDir: string, seeds: string) => [
  'sweep',
  'jsc-tiny',
  'jsc',
  '--seeds',
  seeds,
  '--project',
  'p',
  '--project-dir',
  projectDir,
  '--max-epochs',
  '2',
  '--log-every-n-steps',
  '1',
  '--workers',
  '1',
];

/** Mount a small tmpfs for `use`, then unmount it. */
async function onSmallDisk(size: string, use: (mount: string) => Promise<void>): Promise<void> {
  const mount = await mkdtemp(path.join(os.tmpdir(), 'machop-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mount]);
  try {
    await use(mount);
  } finally {
    execFileSync('umount', [mount]);
    await rm(mount, { recursive: true, force: true });
  }
}

describe('ch sweep on a failing disk', () => {
  it.skipIf(!isRoot)(
    "ends with one line when the disk is full from the sweep's first writes on",
    () =>
      onSmallDisk('256k', async (mount) => {
        // Room for the sweep's folder and record, none for a trial's run.
        const { bavail, bsize } = statfsSync(mount);
        await writeFile(path.join(mount, 'filler'), Buffer.alloc(bavail * bsize - 24 * 1024));
        const full = await runCh(sweep(mount, '0,1,2'), { cwd: dir, env });
        expect(full.stderr).not.toMatch(/bug| {4}at |Uncaught|node:internal/);
        expect(full.stderr.trim().split('\n').pop()).toMatch(
          /^error: the disk under .* is full \(ENOSPC\): 0 of 3 trials finished/,
        );
        expect(full.code).toBe(1);
        const sweeps = path.join(mount, 'p', 'sweeps');
        const [id] = await readdir(sweeps);
        const record = JSON.parse(await readFile(path.join(sweeps, id, 'sweep.json'), 'utf8'));
        expect(record.trials.map((trial: { status: string }) => trial.status)).not.toContain(
          'running',
        );
        expect(await readdir(path.join(sweeps, id))).toEqual(['sweep.json']);
      }),
  );

  it.skipIf(!isRoot)(
    'ends a sweep on a full disk with one line and a consistent sweep.json, and resumes once there is room',
    async () => {
      const mount = await mkdtemp(path.join(os.tmpdir(), 'machop-full-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=160k', 'tmpfs', mount]);
      try {
        const full = await runCh(sweep(mount, '0,1,2,3,4,5,6,7'), { cwd: dir, env });
        expect(full.code).toBe(1);
        expect(full.stderr).not.toMatch(/bug| {4}at |Uncaught|node:internal/);
        // The one-line message ends the output.
        expect(full.stderr.trim().split('\n').pop()).toMatch(/^error: the disk under/);
        expect(full.stderr).toMatch(
          /^error: the disk under .* is full \(ENOSPC\): \d of 8 trials finished and the others were stopped; free some space, then run the same command again to continue the sweep\n$/m,
        );
        const sweeps = path.join(mount, 'p', 'sweeps');
        const [id] = await readdir(sweeps);
        const record = JSON.parse(await readFile(path.join(sweeps, id, 'sweep.json'), 'utf8'));
        const states = record.trials.map((trial: { status: string }) => trial.status);
        expect(states).not.toContain('running');

        execFileSync('mount', ['-o', 'remount,size=64m', mount]);
        const again = await runCh(sweep(mount, '0,1,2,3,4,5,6,7'), { cwd: dir, env });
        expect(again.stderr).not.toMatch(/error/);
        expect(again.code).toBe(0);
        const done = JSON.parse(await readFile(path.join(sweeps, id, 'sweep.json'), 'utf8'));
        expect(done.trials.map((trial: { status: string }) => trial.status)).toEqual(
          Array(8).fill('completed'),
        );
      } finally {
        execFileSync('umount', [mount]);
        await rm(mount, { recursive: true, force: true });
      }
    },
  );
});

describe('ch sweep on a read-only project dir', () => {
  it.skipIf(!isRoot)(
    'says in one line what is wrong and what to do, and writes nothing',
    async () => {
      const mount = await mkdtemp(path.join(os.tmpdir(), 'machop-readonly-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', mount]);
      try {
        const result = await runCh(sweep(mount, '0'), { cwd: dir, env });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(
          /^error: cannot create .*: the file system is read-only.*\(EROFS\).*--project-dir\n$/,
        );
        expect(await readdir(mount)).toEqual([]);
      } finally {
        execFileSync('umount', [mount]);
        await rm(mount, { recursive: true, force: true });
      }
    },
  );
});
