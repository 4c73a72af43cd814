import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCh } from './run-ch.js';

// User errors are one line naming the cause and the fix, and never call themselves a bug.
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'machop-messages-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toMatch(/bug/);
  return lines[0];
}

it('says a 300-character --name is too long and gives the limit, creating nothing', async () => {
  const result = await runCh(
    ['train', 'jsc-tiny', 'jsc', '--name', 'n'.repeat(300), '--project', 'long', '--quiet'],
    { cwd: dir },
  );
  expect(result.code).not.toBe(0);
  expect(oneLine(result.stderr)).toBe(
    'error: the run name (--name) is 300 characters long, more than the 231 a run folder name allows; give a shorter --name',
  );
  await expect(readdir(path.join(dir, 'machop_output'))).rejects.toThrow(/ENOENT/);
});

it.each([[['jsc-tiny', 'jsc']], [[]]])(
  'says a --load path of ch test is missing (entries given: %j)',
  async (entries) => {
    const missing = path.join(dir, 'no-such-run');
    const result = await runCh(['test', ...entries, '--load', missing], { cwd: dir });
    expect(result.code).not.toBe(0);
    expect(oneLine(result.stderr)).toBe(
      `error: --load ${missing}: no such file or folder; pass a run folder made by ch train, or a checkpoint folder such as <run>/checkpoints/best`,
    );
  },
);
