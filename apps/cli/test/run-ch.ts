import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The committed launcher, run exactly as `npx ch` runs it. */
export const CH = path.resolve(import.meta.dirname, '..', 'bin', 'ch.js');

export interface ChResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Where and how a `ch` process runs. */
export interface ChOptions {
  cwd: string;
  /** Added to a clean environment (PATH, HOME, NO_COLOR=1). */
  env?: NodeJS.ProcessEnv;
  /** Lead its own process group, so a test can signal it with its trial processes. */
  detached?: boolean;
}

/** A `ch` process that is still running, with what it has printed so far. */
export interface StartedCh {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Its exit code once it and its output have closed (null when a signal ended it). */
  exited: Promise<number | null>;
}

/** Start the real `ch` binary in a child process and collect its output as it comes. */
export function startCh(args: readonly string[], options: ChOptions): StartedCh {
  const child = spawn(process.execPath, [CH, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Run the real `ch` binary in a child process and collect its output. */
export async function runCh(
  args: readonly string[],
  options: ChOptions & { timeoutMs?: number },
): Promise<ChResult> {
  const started = startCh(args, options);
  const timer = setTimeout(() => started.child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  try {
    const code = await started.exited;
    return {
      code,
      signal: started.child.signalCode,
      stdout: started.stdout(),
      stderr: started.stderr(),
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolve once `condition` holds, polling every `everyMs`; throw naming `what` after `timeoutMs`.
 * For states only the file system shows (a lock file, a log line), never as a sleep.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  { timeoutMs = 240_000, everyMs = 100 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
