// What one request for points may cost the server: a run named many times is read and sent once,
// a request names at most MAX_RUNS_PER_REQUEST runs, and answers made together are few, so the
// server's memory stays bounded. Measured on the real server process, through /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RUNS_PER_REQUEST } from '../src/api-types.js';
import { writeRun, type RunSpec } from './fixture-project.js';

const DASHBOARD_BIN = path.resolve(import.meta.dirname, '../bin/machop-dashboard.js');
/** Runs of 1,000 logged steps: about 70 kB of JSON each for their step loss. */
const RUNS = MAX_RUNS_PER_REQUEST;
const spec = (index: number): RunSpec => ({
  project: 'many',
  id: `r${index}`,
  epochs: 10,
  stepsPerEpoch: 100,
  logEvery: 1,
  seed: index,
});

let root: string;
let server: ChildProcess;
let url: string;

/** Resident memory of the server process, in MB: now (VmRSS) and at its peak (VmHWM). */
async function memory(): Promise<{ now: number; peak: number }> {
  const status = await readFile(`/proc/${server.pid}/status`, 'utf8');
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)![1]) / 1024;
  return { now: field('VmRSS'), peak: field('VmHWM') };
}

/** Start counting the peak from now (Linux: writing 5 to clear_refs resets VmHWM). */
async function resetPeak(): Promise<void> {
  await writeFile(`/proc/${server.pid}/clear_refs`, '5');
}

const query = (ids: readonly string[]) =>
  `${url}api/metrics?names=train_loss_step&${ids.map((id) => `run=${encodeURIComponent(id)}`).join('&')}`;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'dashboard-metrics-limits-'));
  for (let index = 0; index < RUNS; index++) await writeRun(root, spec(index));
  server = spawn(process.execPath, [DASHBOARD_BIN, '--project-dir', root, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^(http:\/\/\S+)\n/m.exec(stdout);
      if (match) resolve(match[1]);
    });
    server.on('exit', (code) => reject(new Error(`the dashboard exited with ${code}`)));
  });
}, 120_000);

afterAll(async () => {
  server?.kill('SIGTERM');
  await rm(root, { recursive: true, force: true });
});

describe('/api/metrics', () => {
  it('answers a run named 900 times (a 12 kB URL) once, at the size of one', async () => {
    const once = await (await fetch(query(['many/r0']))).text();
    const repeated = await fetch(query(Array.from({ length: 900 }, () => 'many/r0')));
    expect(repeated.status).toBe(200);
    const body = await repeated.text();
    expect(body.length).toBe(once.length);
    expect((JSON.parse(body) as { runs: unknown[] }).runs).toHaveLength(1);
  });

  it(`refuses more than ${MAX_RUNS_PER_REQUEST} runs in one request with a 400 that says so`, async () => {
    const ids = Array.from({ length: MAX_RUNS_PER_REQUEST + 1 }, (_, index) => `many/r${index}`);
    const answer = await fetch(query(ids));
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toBe(
      `asked for the points of ${MAX_RUNS_PER_REQUEST + 1} runs at once; at most ${MAX_RUNS_PER_REQUEST} a request: ask in several`,
    );
    // Exactly the limit is answered in full.
    const full = await fetch(query(ids.slice(0, MAX_RUNS_PER_REQUEST)));
    expect(full.status).toBe(200);
    const { runs } = (await full.json()) as { runs: ({ id: string } | null)[] };
    expect(runs.map((run) => run?.id)).toEqual(ids.slice(0, MAX_RUNS_PER_REQUEST));
  });

  it('keeps the server within bounds when ten heavy requests come at once', async () => {
    const all = Array.from({ length: RUNS }, (_, index) => `many/r${index}`);
    // Every log read once, so that what follows measures answers, not the store filling.
    const single = (await (await fetch(query(all))).arrayBuffer()).byteLength;
    await (await fetch(query(Array.from({ length: 900 }, () => 'many/r1')))).arrayBuffer();
    const before = await memory();
    await resetPeak();
    // Each answer read as it comes, as a browser does: a turn lasts until its answer is sent.
    const answers = await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        const answer = await fetch(
          index % 2 === 0 ? query(all) : query(Array.from({ length: 900 }, () => 'many/r1')),
        );
        return { status: answer.status, size: (await answer.arrayBuffer()).byteLength };
      }),
    );
    const after = await memory();
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(answers.filter((_, index) => index % 2 === 0).map((answer) => answer.size)).toEqual(
      Array(5).fill(single),
    );
    // Before runs were de-duplicated, each 900-fold answer alone was 900 × 38 kB = 35 MB of
    // JSON, and these ten took the server up by more than 400 MB. Now the five 200-run answers
    // (7.4 MB each, made two at a time) and five small ones stay well under 200 MB.
    const grown = after.peak - before.now;
    expect(
      grown,
      `peak ${after.peak.toFixed(0)} MB, from ${before.now.toFixed(0)} MB`,
    ).toBeLessThan(200);
  }, 240_000);
});
