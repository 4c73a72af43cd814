import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRuns, readRun } from './list.js';
import { acquireRunLock } from './lock.js';

function makeRun(
  root: string,
  project: string,
  id: string,
  files: Record<string, unknown>,
): string {
  const dir = path.join(root, project, id);
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(files))
    writeFileSync(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  return dir;
}

const config = (sweep?: string) => ({
  format: 'machop-run',
  runId: 'x',
  options: { seed: 0 },
  sweep: sweep === undefined ? null : { id: sweep, trial: 't', point: {}, seed: 0 },
});

describe('listRuns', () => {
  it('lists run folders by project and id, with the status each one is in', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'machop-runs-'));
    makeRun(root, 'p', 'b-finished', {
      'config.json': config(),
      'summary.json': { status: 'completed' },
    });
    makeRun(root, 'p', 'a-crashed', { 'config.json': config() });
    const live = makeRun(root, 'p', 'c-live', {
      'config.json': config(),
      'summary.json': { status: 'interrupted' },
    });
    makeRun(root, 'p', 'd-not-a-run', { 'notes.txt': 'hello' });
    makeRun(root, 'p', 'e-half-written', { 'config.json': '{"format":' });
    makeRun(root, 'p', 'sweeps', { 'config.json': config() });
    makeRun(root, 'q', 'trial', {
      'config.json': config('s1'),
      'test.json': { format: 'machop-test', accuracy: 0.5 },
    });
    const lock = await acquireRunLock(live);
    try {
      const runs = await listRuns(root);
      expect(runs.map((run) => [run.project, run.id, run.status])).toEqual([
        ['p', 'a-crashed', 'crashed'],
        ['p', 'b-finished', 'completed'],
        ['p', 'c-live', 'running'],
        ['q', 'trial', 'crashed'],
      ]);
      expect(runs[3].test?.accuracy).toBe(0.5);
      expect((await listRuns(root, { sweep: 's1' })).map((run) => run.id)).toEqual(['trial']);
      expect((await listRuns(root, { project: 'q' })).map((run) => run.id)).toEqual(['trial']);
    } finally {
      await lock.release();
    }
  });

  it('reads a missing project dir as no runs, and a deleted run as no run', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'machop-runs-'));
    expect(await listRuns(path.join(root, 'nothing'))).toEqual([]);
    const dir = makeRun(root, 'p', 'gone', { 'config.json': config() });
    rmSync(dir, { recursive: true });
    expect(await readRun(dir)).toBeUndefined();
  });
});

describe('listRuns and links out of the project', () => {
  it('leaves out, and names, a run whose metric log is a symbolic link out of its project', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'machop-runs-'));
    const outside = mkdtempSync(path.join(tmpdir(), 'machop-outside-'));
    writeFileSync(path.join(outside, 'secret.jsonl'), 'not yours\n');
    makeRun(root, 'p', 'good', { 'config.json': config(), 'metrics.jsonl': '' });
    const bad = makeRun(root, 'p', 'linked', { 'config.json': config() });
    symlinkSync(path.join(outside, 'secret.jsonl'), path.join(bad, 'metrics.jsonl'));
    // A link that stays inside the project is the user's business, and is followed.
    const inside = makeRun(root, 'p', 'inside', { 'config.json': config() });
    symlinkSync(path.join(root, 'p', 'good', 'metrics.jsonl'), path.join(inside, 'metrics.jsonl'));
    const skipped: string[] = [];
    const runs = await listRuns(root, {
      onSkipped: (dir, reason) => skipped.push(`${dir}: ${reason}`),
    });
    expect(runs.map((run) => run.id)).toEqual(['good', 'inside']);
    expect(skipped).toEqual([
      `${bad}: ${path.join(bad, 'metrics.jsonl')} is a symbolic link out of project ${path.join(root, 'p')}; not followed (replace it with the file itself)`,
    ]);
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
});
