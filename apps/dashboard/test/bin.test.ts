// The two ways to start the dashboard from a terminal: its own binary and `ch dashboard`.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSpecs, writeRun } from './fixture-project.js';

const require = createRequire(import.meta.url);
const DASHBOARD_BIN = path.resolve(import.meta.dirname, '../bin/machop-dashboard.js');
const CH_BIN = path.join(path.dirname(require.resolve('machop/package.json')), 'bin/ch.js');

let projectDir: string;

beforeAll(async () => {
  projectDir = await mkdtemp(path.join(os.tmpdir(), 'dashboard-bin-'));
  for (const spec of sweepSpecs().slice(0, 2)) await writeRun(projectDir, spec);
});

afterAll(async () => {
  await rm(projectDir, { recursive: true, force: true });
});

/** Start a command, wait for the URL it prints, ask for the runs, stop it with SIGTERM. */
async function serveAndStop(
  args: string[],
): Promise<{ url: string; ids: string[]; code: number | null }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^(http:\/\/\S+)\n/m.exec(stdout);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) =>
      reject(new Error(`exited with ${code} before printing a URL: ${stderr}`)),
    );
  });
  const { runs } = (await (await fetch(`${url}api/runs`)).json()) as { runs: { id: string }[] };
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  return { url, ids: runs.map((run) => run.id), code: await exited };
}

describe('starting the dashboard', () => {
  it('machop-dashboard prints a 127.0.0.1 URL, serves the project and stops on SIGTERM', async () => {
    const result = await serveAndStop([DASHBOARD_BIN, '--project-dir', projectDir, '--port', '0']);
    expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(result.ids).toEqual(['lab1/bs64-s0', 'lab1/bs64-s1']);
    expect(result.code).toBe(0);
  });

  it('ch dashboard does the same through the ch binary', async () => {
    const result = await serveAndStop([
      CH_BIN,
      'dashboard',
      '--project-dir',
      projectDir,
      '--port',
      '0',
    ]);
    expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(result.ids).toEqual(['lab1/bs64-s0', 'lab1/bs64-s1']);
    expect(result.code).toBe(0);
  });

  it('refuses a bad port with a one-line error', async () => {
    const child = spawn(process.execPath, [DASHBOARD_BIN, '--port', 'http'], { stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toBe('error: --port must be a whole number from 0 to 65535, got "http"\n');
  });
});
