import path from 'node:path';
import { parseArgs } from 'node:util';
import { startDashboard } from './start.js';

export const DASHBOARD_USAGE = `usage: machop-dashboard [--project-dir DIR] [--port 6006] [--host 127.0.0.1] [--open]

Serve a page over the runs in DIR (default machop_output): curves, groups over seeds, tables.
  --project-dir DIR  folder holding projects, as written by ch train (default machop_output)
  --port N           port to listen on (default 6006; 0 picks a free one)
  --host HOST        address to bind (default 127.0.0.1: this machine only)
  --open             open the page in the default browser
`;

/**
 * The \`machop-dashboard\` command line: start, print the URL on stdout, serve until SIGINT or
 * SIGTERM. Returns the exit code.
 */
export async function runDashboardCommand(
  argv: readonly string[],
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; cwd: string } = {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
  },
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'project-dir': { type: 'string', default: 'machop_output' },
        port: { type: 'string', default: '6006' },
        host: { type: 'string', default: '127.0.0.1' },
        open: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\n${DASHBOARD_USAGE}`);
    return 1;
  }
  if (values.help) {
    io.stdout.write(DASHBOARD_USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr.write(`error: --port must be a whole number from 0 to 65535, got "${values.port}"\n`);
    return 1;
  }
  try {
    const dashboard = await startDashboard({
      projectDir: path.resolve(io.cwd, values['project-dir']),
      port,
      host: values.host,
      open: values.open,
      log: (line) => io.stderr.write(`${line}\n`),
    });
    io.stdout.write(`${dashboard.url}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await dashboard.close();
    return 0;
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}
