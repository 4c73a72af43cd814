import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command, CommandEntry } from './command.js';
import { COMMANDS } from './command-list.js';
import { GLOBAL_FLAGS } from './global-flags.js';
import { commandHelp, globalHelp, HELP_WIDTH } from './help.js';
import { processIo, styleFor, type Io } from './io.js';
import { packageVersions } from './versions.js';

/** Help fits the terminal it is shown in (less one column), and 80 columns into a pipe or file. */
function helpWidth(io: Io): number {
  return io.stdout.isTTY && io.stdout.columns ? Math.max(40, io.stdout.columns - 1) : HELP_WIDTH;
}

/** Find the command word, skipping the values of global flags that take one (`--plugin X`). */
function splitCommand(argv: readonly string[]): { name?: string; rest: string[] } {
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index];
    if (word === '--plugin') {
      index++;
      continue;
    }
    if (!word.startsWith('-'))
      return { name: word, rest: [...argv.slice(0, index), ...argv.slice(index + 1)] };
  }
  return { rest: [...argv] };
}

function pluginFlags(argv: readonly string[]): string[] {
  const plugins: string[] = [];
  argv.forEach((word, index) => {
    if (word === '--plugin' && argv[index + 1] !== undefined) plugins.push(argv[index + 1]);
    else if (word.startsWith('--plugin=')) plugins.push(word.slice('--plugin='.length));
  });
  return plugins;
}

/**
 * The plugins recorded by the run that `--resume RUN` or `--load RUN` names, so that resuming or
 * testing a plugin's model needs no `--plugin` again. A recorded file that is gone is left out
 * (the model's name then says which plugin is missing).
 */
async function pluginsOfRun(argv: readonly string[], cwd: string): Promise<string[]> {
  const { recordedPlugins, runOf } = await import('./saved-run.js');
  const index = argv.findIndex((word) => word === '--resume' || word === '--load');
  const target = index >= 0 ? argv[index + 1] : undefined;
  if (target === undefined) return [];
  const run = await runOf(path.resolve(cwd, target)).catch(() => undefined);
  const given = new Set(pluginFlags(argv).map((spec) => path.resolve(cwd, spec)));
  return recordedPlugins(run)
    .map((plugin) => plugin.source)
    .filter((source) => !given.has(source) && (!path.isAbsolute(source) || existsSync(source)));
}

// `ch --help` and `ch --version` import only this module, the command list and the help: every
// other module, core's included, is imported where it is needed, so they start as fast as Node.

/**
 * Run `ch` with command-line words (without the program name) and return the exit code. Data goes
 * to `io.stdout`; progress, logs and errors to `io.stderr`. Errors are printed as one line
 * (`error: ...`), with the stack only under `--debug`.
 */
export async function main(
  argv: readonly string[],
  io: Io = processIo(),
  meta: { version?: string } = {},
): Promise<number> {
  const debug = argv.includes('--debug');
  const version = meta.version ?? packageVersions()['@machop/cli'] ?? 'unknown';
  try {
    const { name, rest } = splitCommand(argv);
    if (name === undefined && (argv.includes('--version') || argv.includes('-V'))) {
      io.stdout.write(`${version}\n`);
      return 0;
    }
    if (name === undefined || name === 'help') {
      const topic = name === 'help' ? splitCommand(rest).name : undefined;
      const command = COMMANDS.find((candidate) => candidate.name === topic);
      if (!command) {
        io.stdout.write(globalHelp(COMMANDS, version, helpWidth(io)));
        return name === undefined && !argv.includes('--help') && !argv.includes('-h') ? 1 : 0;
      }
      return await runCommand(command, ['--help'], io, argv);
    }
    const command = COMMANDS.find((candidate) => candidate.name === name);
    if (!command) {
      const { closestNames, ConfigError, unknownName } = await import('@machop/core/base');
      const close = closestNames(
        name,
        COMMANDS.map((candidate) => candidate.name),
      );
      throw new ConfigError(
        unknownName(
          `unknown command "${name}"`,
          close.slice(0, 1),
          'run "ch --help" to see the commands',
          (command) => `"ch ${command}"`,
        ),
      );
    }
    return await runCommand(command, rest, io, argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`error: ${message.split('\n')[0]}\n`);
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    else if (!(await import('@machop/core/base')).isMachopError(error))
      io.stderr.write(
        '(this is a bug in Machop.ts or a plugin; run again with --debug for the stack trace)\n',
      );
    return 1;
  }
}

async function runCommand(
  entry: CommandEntry,
  argv: readonly string[],
  io: Io,
  fullArgv: readonly string[],
): Promise<number> {
  const command: Command = { ...entry, ...(await entry.load()) };
  if (command.ownArguments)
    return command.run({
      io,
      argv: fullArgv,
      args: { positionals: [], flags: new Map() },
      words: argv,
      registry: (await import('@machop/core/base')).getRegistry(),
      plugins: [],
      style: styleFor(io.stdout, io.env),
      entryFlags: new Set(),
      json: false,
    });
  // Plugins (and with the built-in ones, TensorFlow.js) are loaded only for commands that read
  // the registry; the others start as fast as their own modules allow.
  const usesRegistry = command.usesRegistry !== false;
  const [{ getRegistry }, { parseArgs }] = await Promise.all([
    import('@machop/core/base'),
    import('./args.js'),
  ]);
  const plugins = usesRegistry
    ? await (
        await import('./plugins.js')
      ).loadAllPlugins(io.cwd, [...pluginFlags(argv), ...(await pluginsOfRun(argv, io.cwd))])
    : [];
  const registry = getRegistry();
  const ownFlags = [...command.flags, ...GLOBAL_FLAGS];
  const entryFlags = command.entryOptions
    ? (await import('./entry-options.js')).entryOptionFlags(registry, ownFlags)
    : [];
  const args = parseArgs(argv, [...ownFlags, ...entryFlags], `ch ${command.name}`);
  if (args.flags.get('help') === true) {
    io.stdout.write(commandHelp(command, entryFlags, helpWidth(io)));
    return 0;
  }
  return command.run({
    io,
    argv: fullArgv,
    args,
    registry,
    plugins,
    words: argv,
    style: styleFor(io.stdout, io.env),
    entryFlags: new Set(entryFlags.map((flag) => flag.name)),
    json: args.flags.get('json') === true,
  });
}
