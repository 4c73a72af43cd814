import path from 'node:path';
import { ConfigError } from '@machop/core/base';
import { TRAIN_DEFAULTS } from '@machop/trainer/options';
import type { CommandBody } from '../command.js';

/** The package that holds the dashboard. It is an app, so @machop/cli only loads it by name. */
const DASHBOARD_PACKAGE = '@machop/dashboard';

/** What `ch dashboard` uses of @machop/dashboard (its `startDashboard`). */
interface DashboardModule {
  startDashboard(options: {
    projectDir: string;
    port: number;
    host: string;
    open: boolean;
    log: (line: string) => void;
  }): Promise<{ url: string; close(): Promise<void> }>;
}

async function loadDashboard(): Promise<DashboardModule> {
  // A specifier in a variable: dependencies point from apps to @machop/cli, never back, so the
  // dashboard is found at run time where the user installed it (the workspace has it).
  const name: string = DASHBOARD_PACKAGE;
  try {
    return (await import(name)) as DashboardModule;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      String((error as Error).message).includes(name)
    )
      throw new ConfigError(
        `ch dashboard needs the ${name} package, which is not installed: run "npm install ${name}" (or use its own machop-dashboard command)`,
      );
    throw error;
  }
}

/** `ch dashboard`: serve the dashboard over a project dir until Ctrl-C. */
export const dashboardCommand: CommandBody = {
  details:
    'Serves a page over the runs in the project dir and prints its URL; Ctrl-C stops it. It listens on 127.0.0.1 only, unless --host says otherwise.',
  usesRegistry: false,
  flags: [
    {
      name: 'project-dir',
      type: 'string',
      value: 'DIR',
      default: TRAIN_DEFAULTS.projectDir,
      description: 'folder holding projects',
    },
    {
      name: 'port',
      type: 'integer',
      min: 0,
      max: 65535,
      default: 6006,
      description: 'port (0: any free one)',
    },
    {
      name: 'host',
      type: 'string',
      default: '127.0.0.1',
      description: 'address to listen on (anything but loopback exposes the runs to the network)',
    },
    { name: 'open', type: 'boolean', description: 'open the page in the default browser' },
  ],
  async run({ io, args }) {
    if (args.positionals.length > 0)
      throw new ConfigError(`ch dashboard takes no arguments, got "${args.positionals.join(' ')}"`);
    const dashboardPackage = await loadDashboard();
    const dashboard = await dashboardPackage.startDashboard({
      projectDir: path.resolve(
        io.cwd,
        (args.flags.get('project-dir') as string | undefined) ?? TRAIN_DEFAULTS.projectDir,
      ),
      port: (args.flags.get('port') as number | undefined) ?? 6006,
      host: (args.flags.get('host') as string | undefined) ?? '127.0.0.1',
      open: args.flags.get('open') === true,
      log: (line) => io.stderr.write(`${line}\n`),
    });
    io.stdout.write(`${dashboard.url}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await dashboard.close();
    return 0;
  },
};
