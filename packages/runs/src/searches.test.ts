import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSearches, readSearch } from './searches.js';

function makeSearch(root: string, project: string, id: string, files: Record<string, unknown>) {
  const dir = path.join(root, project, 'software', 'search_ckpts', id);
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(files))
    writeFileSync(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
}

const study = (trials: number) => ({
  format: 'machop-search-study',
  version: 1,
  id: 'x',
  fingerprint: { strategy: 'random', seed: 1 },
  trials: Array.from({ length: trials }, (_, number) => ({ number, state: 'complete' })),
});

describe('search folders', () => {
  it('lists the searches of a project: ended when log.json holds every trial, others skipped', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'machop-searches-'));
    makeSearch(root, 'p', 'done', { 'study.json': study(2), 'log.json': { 0: {}, 1: {} } });
    makeSearch(root, 'p', 'running', { 'study.json': study(3), 'log.json': { 0: {} } });
    makeSearch(root, 'p', 'killed', { 'study.json': study(1) });
    makeSearch(root, 'p', 'foreign', { 'study.json': { trials: [] } });
    makeSearch(root, 'p', 'damaged', { 'study.json': '{"format": "machop-sea' });
    const searches = await listSearches(root, 'p');
    expect(searches.map(({ id, ended, study }) => [id, ended, study.trials.length])).toEqual([
      ['done', true, 2],
      ['killed', false, 1],
      ['running', false, 3],
    ]);
    expect(searches[0].study.id).toBe('done');
    expect(await listSearches(root, 'none')).toEqual([]);
  });

  it('finds a search by id in any project, and names the closest ids when it is unknown', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'machop-searches-'));
    makeSearch(root, 'a', 'tpe-seed1-0a1b2c3d', { 'study.json': study(1) });
    makeSearch(root, 'b', 'random-seed1-99aa88bb', { 'study.json': study(1) });
    expect((await readSearch(root, 'random-seed1-99aa88bb')).project).toBe('b');
    await expect(readSearch(root, 'tpe-seed1-0a1b2c3')).rejects.toThrow(
      `no search "tpe-seed1-0a1b2c3" in ${root}: did you mean "tpe-seed1-0a1b2c3d"? (known: random-seed1-99aa88bb, tpe-seed1-0a1b2c3d)`,
    );
    await expect(readSearch(root, 'tpe-seed1-0a1b2c3d', 'b')).rejects.toThrow(
      /^no search "tpe-seed1-0a1b2c3d" in .*\/b \(known: random-seed1-99aa88bb\)$/,
    );
    await expect(readSearch(path.join(root, 'nothing'), 'x')).rejects.toThrow(
      /there are no searches in .*; run "ch search" first/,
    );
  });
});
