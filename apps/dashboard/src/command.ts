import path from 'node:path';
import { parseArgs } from 'node:util';
import { DashboardError, startDashboard } from './start.js';

/** Where runs are when no `--project-dir` is given: where `ch train` writes them by default. */
const DEFAULT_PROJECT_DIR = 'machop_output';

/** The help of the dashboard's command, under the name it was started by. */
export function dashboardUsage(program = 'machop-dashboard'): string {
  return `usage: ${program} [--project-dir DIR] [--port 6006] [--host 127.0.0.1] [--open]

Serve a page over the runs in DIR: curves, groups over seeds, tables. Ctrl-C stops it.
  --project-dir DIR  folder holding projects, as written by ch train (default ${DEFAULT_PROJECT_DIR},
                     made on a first start when missing; a folder given must exist)
  --port N           port to listen on (default 6006; 0 picks a free one)
  --host HOST        address to listen on (default 127.0.0.1: this machine only); the page
                     answers only to loopback names and this one
  --open             open the page in the default browser
  --debug            show the stack trace of an unexpected error
`;
}

/** {@link dashboardUsage} as `machop-dashboard` prints it. */
export const DASHBOARD_USAGE = dashboardUsage();

/** Where {@link runDashboardCommand} writes, and the folder relative paths start from. */
export interface DashboardCommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
}

/**
 * The dashboard's command line, the one implementation behind both `machop-dashboard` and
 * `ch dashboard`: start, print the URL on stdout, serve until SIGINT or SIGTERM. A start-up
 * problem (a port in use, a missing project dir) is one `error:` line on stderr. Returns the exit
 * code.
 *
 * @param argv - the words after the command's name
 * @param program - the command's name in help and messages
 */
export async function runDashboardCommand(
  argv: readonly string[],
  io: DashboardCommandIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() },
  program = 'machop-dashboard',
): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'project-dir': { type: 'string' },
        port: { type: 'string', default: '6006' },
        host: { type: 'string', default: '127.0.0.1' },
        open: { type: 'boolean', default: false },
        debug: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    // Node's message goes on about `--`; its first sentence says what is wrong.
    const what = (error as Error).message.split('. ')[0];
    io.stderr.write(`error: ${what}; run "${program} --help" for its flags\n`);
    return 1;
  }
  if (values.help) {
    io.stdout.write(dashboardUsage(program));
    return 0;
  }
  if (positionals.length > 0) {
    io.stderr.write(
      `error: ${program} takes no arguments, got "${positionals.join(' ')}"; give the folder of runs with --project-dir\n`,
    );
    return 1;
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    io.stderr.write(`error: --port must be a whole number from 0 to 65535, got "${values.port}"\n`);
    return 1;
  }
  try {
    const dashboard = await startDashboard({
      projectDir: path.resolve(io.cwd, values['project-dir'] ?? DEFAULT_PROJECT_DIR),
      createProjectDir: values['project-dir'] === undefined,
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
    if (values.debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    else if (!(error instanceof DashboardError))
      io.stderr.write(`(this is a bug in Machop.ts; run again with --debug for the stack trace)\n`);
    return 1;
  }
}
