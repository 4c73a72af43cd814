import type { LoadedPlugin, Registry } from '@machop/core/base';
import type { FlagSpec, ParsedArgs } from './args.js';
import type { Io, Style } from './io.js';

/** What a command's `run` is given. */
export interface CommandContext {
  io: Io;
  /** The words `ch` was called with, command included (for the record in config.json). */
  argv: readonly string[];
  args: ParsedArgs;
  /** The words after the command's name, unparsed (what an {@link Command.ownArguments} command reads). */
  words?: readonly string[];
  registry: Registry;
  plugins: readonly LoadedPlugin[];
  /** Styling for stdout (off when piped or NO_COLOR is set). */
  style: Style;
  /** Flags that are model or data set options (not the command's own). */
  entryFlags: ReadonlySet<string>;
  json: boolean;
}

/** What `ch --help` shows of a command, known without loading the command's modules. */
export interface CommandInfo {
  name: string;
  /** One line for `ch --help`. */
  summary: string;
  /** Usage line without the `ch ` prefix, such as `train MODEL DATASET [flags]`. */
  usage: string;
}

/** A command's flags and work: its own module, loaded only when the command runs. */
export interface CommandBody {
  /** Longer help text shown by `ch <command> --help`, reflowed to the width; a blank line starts a paragraph. */
  details?: string;
  flags: readonly FlagSpec[];
  /** Whether model and data set options are accepted as flags. */
  entryOptions?: boolean;
  /**
   * The command reads its own words and prints its own help (it is implemented in another
   * package, such as `ch dashboard` in @machop/dashboard): `ch` loads no plugins, parses nothing
   * and passes the words after the command's name as {@link CommandContext.words}.
   */
  ownArguments?: boolean;
  /**
   * Whether the command reads the registry (default true). A command that does not (`ch runs`,
   * `ch plot`) starts without loading plugins, and so without TensorFlow.js.
   */
  usesRegistry?: boolean;
  /** Exit code. */
  run(context: CommandContext): Promise<number>;
}

/** A `ch` command, loaded. */
export type Command = CommandInfo & CommandBody;

/** An entry of `ch`'s command list: its help line, and its module to import when it runs. */
export interface CommandEntry extends CommandInfo {
  load(): Promise<CommandBody>;
}
