import { ConfigError } from '@machop/core/base';
import type { CommandBody } from '../command.js';

/** The package that holds the dashboard. It is an app, so @machop/cli only loads it by name. */
const DASHBOARD_PACKAGE = '@machop/dashboard';

/** What `ch dashboard` uses of @machop/dashboard: its command line, which owns every flag. */
interface DashboardModule {
  runDashboardCommand(
    argv: readonly string[],
    io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; cwd: string },
    program: string,
  ): Promise<number>;
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

/**
 * `ch dashboard`: the dashboard's own command line (`machop-dashboard`), under this name. Its
 * flags, help and start-up errors are written once, in @machop/dashboard.
 */
export const dashboardCommand: CommandBody = {
  flags: [],
  ownArguments: true,
  usesRegistry: false,
  async run({ io, words }) {
    const dashboard = await loadDashboard();
    return dashboard.runDashboardCommand(words ?? [], io, 'ch dashboard');
  },
};
