import { runDashboardCommand } from './command.js';

process.exitCode = await runDashboardCommand(process.argv.slice(2));
