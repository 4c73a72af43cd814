// The dashboard's two binaries, started as a terminal starts them: one place for the tests of
// both to spawn them, wait for the URL they print, or run them to their end.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
/** The dashboard's own binary. */
export const DASHBOARD_BIN = path.resolve(import.meta.dirname, '../bin/machop-dashboard.js');
/** The `ch` binary, whose `ch dashboard` is the same server. */
export const CH_BIN = path.join(path.dirname(require.resolve('machop/package.json')), 'bin/ch.js');

/** The two commands that start the dashboard, as `node` arguments. */
export const DASHBOARD_COMMANDS = [
  { name: 'machop-dashboard', args: [DASHBOARD_BIN] },
  { name: 'ch dashboard', args: [CH_BIN, 'dashboard'] },
];

/** A dashboard process that printed its URL and serves. */
export interface ServingDashboard {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
}

/** Start `node ...args` and resolve once it prints its URL; reject if it exits first. */
export async function startDashboard(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ServingDashboard> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^(http:\/\/\S+)\n/m.exec(stdout);
      if (match) resolve(match[1]);
    });
    void exited.then((code) =>
      reject(new Error(`exited with ${code} before printing a URL: ${stderr}`)),
    );
  });
  return { child, url, stderr: () => stderr, exited };
}

/** What a dashboard binary printed and how it ended, run to its end. */
export interface DashboardExit {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Still running at the deadline, so killed: a hang is a failure, not a wait. */
  hung: boolean;
}

/** Run `node ...args` to its end, killing it after `deadlineMs`. */
export async function runToExit(
  args: readonly string[],
  options: { cwd?: string; deadlineMs?: number } = {},
): Promise<DashboardExit> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let hung = false;
  const deadline = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, options.deadlineMs ?? 20_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(deadline);
  return { code, stdout, stderr, hung };
}
