import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createDashboardServer } from './server/server.js';

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
  const { server, store } = await createDashboardServer({
    projectDir: options.projectDir,
    webRoot: options.webRoot,
    host,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${options.port ?? 6006} is in use; pick another with --port`)
          : error,
      ),
    );
    server.listen(options.port ?? 6006, host, resolve);
  });
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
