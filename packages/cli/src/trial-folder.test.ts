import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trialAction } from './trial-folder.js';

// The set-up both the local sweep and a queue worker run before a trial: real folders on disk.
const membership = { id: 'bs-1234abcd', trial: 's0', point: {}, seed: 0 };
let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'machop-trial-folder-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** A run folder as the trainer leaves it: config.json with a membership, and a summary. */
async function run(name: string, sweep: object | null, status = 'completed'): Promise<void> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'config.json'), JSON.stringify({ format: 'machop-run', sweep }));
  await writeFile(path.join(dir, 'metrics.jsonl'), '');
  await writeFile(path.join(dir, 'summary.json'), JSON.stringify({ status }));
}

describe('trialAction', () => {
  it('starts a trial in its own name when nothing is there', async () => {
    expect(await trialAction(root, 's0', membership)).toEqual({ action: 'start', runId: 's0' });
  });

  it("never touches a folder that is not the trial's run: a user's folder, an empty one, a file", async () => {
    await mkdir(path.join(root, 's0'));
    await writeFile(path.join(root, 's0', 'notes.txt'), 'mine');
    expect(await trialAction(root, 's0', membership)).toEqual({
      action: 'start',
      runId: 's0_bs-1234abcd',
    });
    expect(await readdir(path.join(root, 's0'))).toEqual(['notes.txt']);
    await writeFile(path.join(root, 's0_bs-1234abcd'), 'a file');
    expect((await trialAction(root, 's0', membership)).runId).toBe('s0_bs-1234abcd-2');
  });

  it("skips only its own finished run, not another sweep's run of the same name", async () => {
    await run('s0', { ...membership, id: 'bs-other' });
    expect(await trialAction(root, 's0', membership)).toEqual({
      action: 'start',
      runId: 's0_bs-1234abcd',
    });
    await run('s0_bs-1234abcd', membership);
    expect(await trialAction(root, 's0', membership)).toEqual({
      action: 'skip',
      runId: 's0_bs-1234abcd',
      status: 'completed',
    });
    // Same sweep and name, another point: not its run either.
    await run('s1', { ...membership, trial: 's1', point: { 'batch-size': 64 } });
    const other = { ...membership, trial: 's1', point: { 'batch-size': 128 } };
    expect((await trialAction(root, 's1', other)).runId).toBe('s1_bs-1234abcd');
  });

  it('resumes its own unfinished run', async () => {
    await run('s0', membership, 'interrupted');
    expect(await trialAction(root, 's0', membership)).toEqual({ action: 'resume', runId: 's0' });
  });

  it('reports a run whose config.json is damaged, and passes over it only when asked', async () => {
    await run('s0', membership);
    await writeFile(path.join(root, 's0', 'config.json'), '{"format": ');
    expect(await trialAction(root, 's0', membership)).toEqual({
      action: 'damaged',
      runId: 's0',
      file: path.join(root, 's0', 'config.json'),
      reason: 'not valid JSON',
    });
    expect(await trialAction(root, 's0', membership, { retrainDamaged: true })).toEqual({
      action: 'start',
      runId: 's0_bs-1234abcd',
    });
  });

  it('passes over names other sweeps claimed', async () => {
    expect(await trialAction(root, 's0', membership, { claimed: new Set(['s0']) })).toEqual({
      action: 'start',
      runId: 's0_bs-1234abcd',
    });
  });
});
