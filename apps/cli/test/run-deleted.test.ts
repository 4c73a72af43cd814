import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startJscProject, type JscProject } from './jsc-project.js';
import { pauseAt } from './pause.js';
import { startCh } from './run-ch.js';

// A run folder deleted while its run trains: the run must stop with one line, not end
// `completed` into nowhere or re-create half a folder.
let project: JscProject;

beforeAll(async () => {
  project = await startJscProject('machop-run-deleted-', 3000);
});
afterAll(() => project.close());

it('stops a run whose folder is deleted while it trains, with one line and no folder re-created', async () => {
  // The run waits after epoch 1 (its checkpoints written): the folder goes then, and the run's
  // next write, in epoch 2, must notice.
  const pause = pauseAt(
    await mkdtemp(path.join(os.tmpdir(), 'machop-run-deleted-pause-')),
    'epoch:1',
  );
  const run = startCh(
    ['train', 'jsc-tiny', 'jsc', '--max-epochs', '500', '--batch-size', '64', '--project', 'gone'],
    { cwd: project.dir, env: { ...project.env, ...pause.env } },
  );
  await Promise.race([pause.reached(), run.exited]);
  const root = path.join(project.dir, 'machop_output', 'gone');
  const [runId] = await readdir(root);
  const runDir = path.join(root, runId);
  await rm(runDir, { recursive: true, force: true, maxRetries: 10 });
  await pause.release();

  expect(await run.exited).toBe(1);
  const stderr = run.stderr();
  const errors = stderr.split('\n').filter((line) => line.startsWith('error:'));
  expect(errors).toEqual([
    `error: run folder ${runDir} was deleted while the run was writing to it; the run stopped, nothing was re-created: start the run again`,
  ]);
  expect(stderr).not.toMatch(/bug|completed/);
  expect(existsSync(runDir)).toBe(false);
}, 180_000);
