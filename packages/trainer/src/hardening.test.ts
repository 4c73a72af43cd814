import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { isMachopError, loadPlugins, type tf } from '@machop/core';
import { acquireRunLock, readRunLock } from '@machop/runs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readJson,
  readRecordsWithoutTime,
  setUp,
  temporaryDir,
  toyOptions,
} from '../fixtures/helpers.js';
import { train, type Callback, type TrainSummary } from './index.js';

const resumeOf = (runDir: string) => ({ model: 'toy-mlp', dataset: 'toy-blobs', resume: runDir });

function failAt(step: number): Callback {
  return {
    onBatchEnd: (context) => {
      if (context.globalStep === step) throw new Error('simulated crash');
    },
  };
}

describe('runs that must not break', () => {
  let projectDir: string;
  let uninterrupted: string;

  beforeAll(async () => {
    await setUp();
    projectDir = await temporaryDir();
    uninterrupted = (await train(toyOptions(projectDir, { seed: 3 }))).runDir;
  });

  afterAll(async () => {
    await rm(projectDir, { recursive: true, force: true });
  });

  it('refuses to resume a run another process holds, naming the holder, and changes nothing', async () => {
    const first = await train(toyOptions(projectDir, { seed: 3, maxEpochs: 1 }));
    const before = await readRecordsWithoutTime(first.runDir);
    const lock = await acquireRunLock(first.runDir, { command: 'another ch train' });
    try {
      const error = await train({ ...resumeOf(first.runDir), maxEpochs: 3 }).catch(
        (caught: unknown) => caught,
      );
      expect(isMachopError(error) && error.code).toBe('E_LOCKED');
      expect((error as Error).message).toMatch(/is in use by "another ch train" \(pid \d+ on /);
    } finally {
      await lock.release();
    }
    expect(await readRecordsWithoutTime(first.runDir)).toEqual(before);
    // Once the holder is gone, the resume goes through and releases the lock at the end.
    const resumed = await train({ ...resumeOf(first.runDir), maxEpochs: 3 });
    expect(resumed.status).toBe('completed');
    expect(await readRunLock(first.runDir)).toBeUndefined();
  });

  it('restarts a run that died before its first checkpoint, from the start and with its settings', async () => {
    const crashed = await train(toyOptions(projectDir, { seed: 3 }), {
      callbacks: [failAt(3)],
    }).catch((caught: unknown) => caught);
    expect((crashed as Error).message).toBe('simulated crash');
    const runs = await readdir(path.join(projectDir, 'tests'));
    const runDir = path.join(projectDir, 'tests', runs.sort().at(-1)!);
    expect(existsSync(path.join(runDir, 'checkpoints'))).toBe(false);
    expect(await readRunLock(runDir)).toBeUndefined();
    const messages: string[] = [];
    const resumed = await train(resumeOf(runDir), {
      reporter: { info: (message) => messages.push(message) },
    });
    expect(messages.join('\n')).toContain('stopped before its first checkpoint');
    expect(resumed.status).toBe('completed');
    expect(await readRecordsWithoutTime(runDir)).toEqual(
      await readRecordsWithoutTime(uninterrupted),
    );
  });

  it('adds a run name to the timestamp id, and records name and tags', async () => {
    const named = await train(
      toyOptions(projectDir, { maxEpochs: 1, name: 'bs32', tags: ['lab1', 'tiny'] }),
    );
    const again = await train(toyOptions(projectDir, { maxEpochs: 1, name: 'bs32' }));
    expect(path.basename(named.runDir)).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d_bs32$/);
    expect(path.basename(again.runDir)).toMatch(/_bs32(-1)?$/);
    expect(again.runDir).not.toBe(named.runDir);
    const config = await readJson<{ name: string; tags: string[] }>(
      path.join(named.runDir, 'config.json'),
    );
    expect(config).toMatchObject({ name: 'bs32', tags: ['lab1', 'tiny'] });
    await expect(train(toyOptions(projectDir, { name: '../x' }))).rejects.toThrow(
      /name \(--name\) must be a folder name/,
    );
  });

  it('takes a batch larger than the training split as the whole split', async () => {
    const result = await train(toyOptions(projectDir, { batchSize: 100_000, maxEpochs: 2 }));
    expect(result.summary.steps).toBe(2);
  });

  it('stops a run whose loss explodes, with status diverged and a hint', async () => {
    const result = await train(toyOptions(projectDir, { learningRate: 1e9, logEveryNSteps: 1 }));
    expect(result.status).toBe('diverged');
    expect(result.summary.reason).toMatch(
      /^the training loss became .+ at step \d+; lower the learning rate \(now 1000000000\)$/,
    );
    const summary = await readJson<TrainSummary>(path.join(result.runDir, 'summary.json'));
    expect(summary.status).toBe('diverged');
  });

  it('names the model, the plugin and what create() must return when it returns something else', async () => {
    await loadPlugins([
      {
        name: 'careless-plugin',
        apiVersion: 1,
        setup(registry) {
          registry.models.add('not-a-model', {
            description: 'returns a plain object',
            task: 'classification',
            create: () => ({ layers: [] }) as unknown as tf.LayersModel,
          });
        },
      },
    ]);
    await expect(train(toyOptions(projectDir, { model: 'not-a-model' }))).rejects.toThrow(
      'model "not-a-model" (plugin careless-plugin): create() returned an object with keys layers, not a tfjs LayersModel',
    );
  });
});

// A real full disk: a tiny tmpfs (needs root, as CI has; skipped where mounting is refused).
function mountTinyDisk(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('a full disk', () => {
  let disk: string;
  let mounted = false;

  beforeAll(async () => {
    await setUp();
    disk = path.join(await temporaryDir(), 'disk');
    mounted = mountTinyDisk(disk);
  });

  afterAll(() => {
    if (mounted) execFileSync('umount', [disk]);
    rmSync(path.dirname(disk), { recursive: true, force: true });
  });

  it('is one line naming the file and the cure, and the run resumes once space is freed', async (context) => {
    if (!mounted) context.skip();
    const filler = path.join(disk, 'filler');
    const fillAfterEpoch: Callback = {
      onEpochEnd: (epoch) => {
        if (epoch.epoch !== 0) return;
        // Take every free byte, as another program filling the disk would.
        try {
          for (let chunk = 0; chunk < 4096; chunk++)
            writeFileSync(filler, Buffer.alloc(4096), { flag: 'a' });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        }
      },
    };
    const options = toyOptions(disk, { seed: 3, logEveryNSteps: 1 });
    const error = await train(options, { callbacks: [fillAfterEpoch] }).catch(
      (caught: unknown) => caught,
    );
    expect(isMachopError(error) && error.code).toBe('E_IO');
    const message = (error as Error).message;
    expect(message).toMatch(
      /^cannot \w+ .+: the disk is full: free some space \(ENOSPC\); then resume the run: ch train --resume .+$/,
    );
    const runDir = /--resume (.+)$/.exec(message)![1];
    rmSync(filler);
    const resumed = await train(resumeOf(runDir));
    expect(resumed.status).toBe('completed');
    const reference = await train(
      toyOptions(path.join(disk, 'reference'), { seed: 3, logEveryNSteps: 1 }),
    );
    expect(await readRecordsWithoutTime(runDir)).toEqual(
      await readRecordsWithoutTime(reference.runDir),
    );
  });
});
