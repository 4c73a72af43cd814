// The two ways to start the dashboard from a terminal: its own binary and `ch dashboard`.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSpecs, writeRun } from './fixture-project.js';
import { CH_BIN, DASHBOARD_BIN, runToExit, startDashboard } from './start-dashboard.js';

let projectDir: string;

beforeAll(async () => {
  projectDir = await mkdtemp(path.join(os.tmpdir(), 'dashboard-bin-'));
  for (const spec of sweepSpecs().slice(0, 2)) await writeRun(projectDir, spec);
});

afterAll(async () => {
  await rm(projectDir, { recursive: true, force: true });
});

/**
 * Start a command, wait for the URL it prints, ask for the runs, stop it with SIGTERM. `whenUp`
 * runs while it serves.
 */
async function serveAndStop(
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    whenUp?: (url: string, stderr: () => string) => Promise<void>;
  } = {},
): Promise<{ url: string; ids: string[]; code: number | null; stderr: string }> {
  const { child, url, stderr, exited } = await startDashboard(args, { env: options.env });
  const { runs } = (await (await fetch(`${url}api/runs`)).json()) as { runs: { id: string }[] };
  await options.whenUp?.(url, stderr);
  child.kill('SIGTERM');
  return { url, ids: runs.map((run) => run.id), code: await exited, stderr: stderr() };
}

describe('starting the dashboard', () => {
  it('machop-dashboard prints a 127.0.0.1 URL, serves the project and stops on SIGTERM', async () => {
    const result = await serveAndStop([DASHBOARD_BIN, '--project-dir', projectDir, '--port', '0']);
    expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(result.ids).toEqual(['lab1/bs64-s0', 'lab1/bs64-s1']);
    expect(result.code).toBe(0);
    // Loopback only: nothing to warn about.
    expect(result.stderr).not.toContain('warning');
  });

  it('warns when --host makes the runs readable from the network', async () => {
    const result = await serveAndStop([
      DASHBOARD_BIN,
      '--project-dir',
      projectDir,
      '--port',
      '0',
      '--host',
      '0.0.0.0',
    ]);
    expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const port = new URL(result.url).port;
    expect(result.stderr).toBe(
      `warning: listening on 0.0.0.0, not only this machine: anyone who can reach port ${port} can read these runs (there is no login)\n`,
    );
  });

  it.skipIf(process.platform !== 'linux')(
    '--open opens the URL with the platform opener (xdg-open here)',
    async () => {
      // A stand-in xdg-open first on PATH: a real program that writes down what it was asked to open.
      const bin = await mkdtemp(path.join(os.tmpdir(), 'dashboard-opener-'));
      const opened = path.join(bin, 'opened.txt');
      await writeFile(
        path.join(bin, 'xdg-open'),
        `#!/bin/sh\nprintf '%s\\n' "$@" >> '${opened}'\n`,
      );
      await chmod(path.join(bin, 'xdg-open'), 0o755);
      try {
        const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
        let seen = '';
        const result = await serveAndStop(
          [DASHBOARD_BIN, '--project-dir', projectDir, '--port', '0', '--open'],
          {
            env,
            whenUp: async () => {
              for (let tries = 0; tries < 100 && !seen; tries++) {
                seen = await readFile(opened, 'utf8').catch(() => '');
                if (!seen) await new Promise((resolve) => setTimeout(resolve, 100));
              }
            },
          },
        );
        expect(seen).toBe(`${result.url}\n`);
        expect(result.stderr).toBe('');
      } finally {
        await rm(bin, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(process.platform !== 'linux')(
    '--open without an opener says so and keeps serving',
    async () => {
      // A PATH that leads to no xdg-open at all.
      const empty = await mkdtemp(path.join(os.tmpdir(), 'dashboard-no-opener-'));
      try {
        const result = await serveAndStop(
          [DASHBOARD_BIN, '--project-dir', projectDir, '--port', '0', '--open'],
          {
            env: { ...process.env, PATH: empty },
            whenUp: async (_url, stderr) => {
              for (let tries = 0; tries < 100 && !stderr(); tries++)
                await new Promise((resolve) => setTimeout(resolve, 100));
            },
          },
        );
        expect(result.stderr).toBe(
          `note: could not open a browser with xdg-open; open ${result.url} yourself\n`,
        );
        expect(result.ids).toEqual(['lab1/bs64-s0', 'lab1/bs64-s1']);
        expect(result.code).toBe(0);
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
    },
  );

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
    const { code, stderr } = await runToExit([DASHBOARD_BIN, '--port', 'http']);
    expect(code).toBe(1);
    expect(stderr).toBe('error: --port must be a whole number from 0 to 65535, got "http"\n');
  });
});
