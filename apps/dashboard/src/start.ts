import { spawn } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createDashboardServer } from './server/server.js';

/**
 * A reason the dashboard cannot start that the user can fix (a port in use, a missing project
 * dir): its message is one line saying what is wrong and what to do.
 */
export class DashboardError extends Error {
  override name = 'DashboardError';
}

/** How {@link startDashboard} runs. */
export interface StartOptions {
  /** The folder holding projects (what `ch train --project-dir` wrote to). */
  projectDir: string;
  /** Default 6006 (TensorBoard's); 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: only this machine can connect. */
  host?: string;
  /** Open the page in the default browser. */
  open?: boolean;
  /** The built page to serve; default the one in this package. */
  webRoot?: string;
  /** Where notes for the user go (the warning about an exposed host); default stderr. */
  log?: (line: string) => void;
  /**
   * Make `projectDir` (not its parents) when it does not exist, rather than refuse: for the
   * default folder on a first start, before any run was trained. Default false.
   */
  createProjectDir?: boolean;
}

/** A running dashboard. */
export interface RunningDashboard {
  url: string;
  port: number;
  /** Look at the project dir again now, rather than at the next change or poll. */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * Serve the dashboard over `projectDir` and resolve once it listens. Binds 127.0.0.1 unless told
 * otherwise, and says so when another host makes the runs readable from the network.
 */
export async function startDashboard(options: StartOptions): Promise<RunningDashboard> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  await checkProjectDir(options.projectDir, options.createProjectDir === true, log);
  const { server, store } = await createDashboardServer({
    projectDir: options.projectDir,
    webRoot: options.webRoot,
    host,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(listenError(error, options.port ?? 6006, host)),
      );
      server.listen(options.port ?? 6006, host, resolve);
    });
  } catch (error) {
    // Closing stops the store reading and watching the project dir, which would otherwise keep
    // the process alive after the error was printed.
    server.close();
    store.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${shown}:${port}/`;
  if (!LOOPBACK.test(host))
    log(
      `warning: listening on ${host}, not only this machine: anyone who can reach port ${port} can read these runs (there is no login)`,
    );
  if (options.open) openBrowser(url, log);
  return {
    url,
    port,
    refresh: () => store.refresh(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Refuse a project dir that is missing or not a folder, or make a missing one when asked to. */
async function checkProjectDir(
  dir: string,
  create: boolean,
  log: (line: string) => void,
): Promise<void> {
  let found;
  try {
    found = await stat(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR')
      throw new DashboardError(`cannot read the project dir ${dir} (${code ?? String(error)})`);
    if (!create)
      throw new DashboardError(
        `the project dir ${dir} does not exist; pass the folder your runs are in with --project-dir (what ch train --project-dir wrote to)`,
      );
    try {
      await mkdir(dir);
    } catch (made) {
      throw new DashboardError(
        `cannot make the project dir ${dir} (${(made as NodeJS.ErrnoException).code ?? String(made)}); pass the folder your runs are in with --project-dir`,
      );
    }
    log(
      `note: made ${dir}, where runs will go: no run was trained here yet; train one (ch train jsc-tiny jsc) in this folder and it appears on the page as it starts`,
    );
    return;
  }
  if (!found.isDirectory())
    throw new DashboardError(
      `the project dir ${dir} is not a folder; pass the folder your runs are in with --project-dir (what ch train --project-dir wrote to)`,
    );
}

/** A failed `listen` as one line that says what to do. */
function listenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new DashboardError(
        `port ${port} on ${host} is in use (another dashboard or TensorBoard?); pick another with --port, or --port 0 for any free one`,
      );
    case 'EADDRNOTAVAIL':
      return new DashboardError(
        `--host ${host} is not an address of this machine; use 127.0.0.1 (this machine only) or one of its own addresses`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return new DashboardError(
        `--host ${host} is not a name this machine can resolve; give an address such as 127.0.0.1`,
      );
    case 'EACCES':
      return new DashboardError(
        `port ${port} needs privileges to listen on; pick one from 1024 up with --port`,
      );
    default:
      return error;
  }
}

/** The platform's way to open a URL in the default browser: `open`, `start` or `xdg-open`. */
function opener(url: string): [command: string, args: string[]] {
  if (process.platform === 'darwin') return ['open', [url]];
  // `start` is built into cmd; its first quoted argument is a window title, hence the "".
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""', url]];
  return ['xdg-open', [url]];
}

function openBrowser(url: string, log: (line: string) => void): void {
  const [command, args] = opener(url);
  // No opener installed (a server without a desktop): say so; the URL is printed anyway.
  const failed = () => log(`note: could not open a browser with ${command}; open ${url} yourself`);
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', failed);
    child.on('exit', (code) => {
      if (code !== 0) failed();
    });
    child.unref();
  } catch {
    failed();
  }
}
