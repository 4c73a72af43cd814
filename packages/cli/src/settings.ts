import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type SplitOptions } from '@machop/core/base';
import { convertValue, kebabCase, type FlagSpec } from './args.js';
import type { CommandContext } from './command.js';

/** Where a setting's value came from, lowest precedence first. */
export type SettingSource = 'default' | 'config' | 'flag' | 'argument' | 'run' | 'derived';

/** A resolved setting. */
export interface Setting {
  value: unknown;
  source: SettingSource;
}

/** The split options given by `--split-seed`, `--test-fraction` and `--val-fraction` (or their defaults). */
export function splitFromFlags(flags: ReadonlyMap<string, unknown>): SplitOptions {
  return {
    seed: (flags.get('split-seed') as number | undefined) ?? 42,
    testFraction: (flags.get('test-fraction') as number | undefined) ?? 0.2,
    valFraction: (flags.get('val-fraction') as number | undefined) ?? 0.1,
  };
}

/** Model and data set options given as flags, ready for `resolveEntryOptions`. */
export function givenEntryFlags(
  context: CommandContext,
): Map<string, { value: unknown; source: 'flag' | 'config'; where: string }> {
  const given = new Map<string, { value: unknown; source: 'flag' | 'config'; where: string }>();
  for (const [flag, value] of context.args.flags) {
    if (context.entryFlags.has(flag))
      given.set(flag, { value, source: 'flag', where: `--${flag}` });
  }
  return given;
}

/** A parsed `--config` file: its values by kebab-case key, and where each key stands. */
export interface ConfigFile {
  file: string;
  values: Map<string, unknown>;
  /** `file:line` of each key, for messages. */
  where: Map<string, string>;
}

function lineOf(text: string, key: string, toml: boolean): number | undefined {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = toml
    ? new RegExp(
        `^[ \\t]*(\\[[ \\t]*["']?${escaped}["']?[ \\t]*\\]|["']?${escaped}["']?[ \\t]*=)`,
        'm',
      )
    : new RegExp(`"${escaped}"\\s*:`);
  const match = pattern.exec(text);
  return match ? text.slice(0, match.index).split('\n').length : undefined;
}

/** The line a `JSON.parse` error points at in `text`, when its message gives a position. */
export function jsonErrorLine(text: string, error: unknown): number | undefined {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  return position ? text.slice(0, Number(position[1])).split('\n').length : undefined;
}

/** Read a TOML or JSON settings file (keys are flag names, in kebab, snake or camel case). */
export async function readConfigFile(file: string, cwd: string): Promise<ConfigFile> {
  const absolute = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'file not found'
        : (error as Error).message;
    throw new ConfigError(`--config ${file}: ${reason}`, { cause: error });
  }
  const toml = !absolute.endsWith('.json');
  let data: unknown;
  try {
    // The TOML parser is loaded only for a TOML file: project-config, part of every start, imports this module.
    data = toml ? (await import('smol-toml')).parse(text) : JSON.parse(text);
  } catch (error) {
    const line = (error as { line?: number }).line ?? jsonErrorLine(text, error);
    const reason = ((error as Error).message.split('\n')[0] ?? '').replace(
      /^Invalid TOML document: /,
      '',
    );
    throw new ConfigError(
      `${absolute}${line ? `:${line}` : ''}: not valid ${toml ? 'TOML' : 'JSON'}: ${reason}`,
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new ConfigError(`${absolute}: must hold key = value settings such as max-epochs = 10`);
  const values = new Map<string, unknown>();
  const where = new Map<string, string>();
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const name = kebabCase(key);
    const line = lineOf(text, key, toml);
    const at = `${absolute}${line ? `:${line}` : ''}`;
    // Nothing in a settings file may be dropped silently, and settings are flat: no tables.
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      throw new ConfigError(
        `${at}: "${key}" is a table, but settings files hold only flat key = value settings; write its keys at the top level by their flag names (model options too, such as width = 32)`,
      );
    values.set(name, value);
    where.set(name, `${at}: ${key}`);
  }
  return { file: absolute, values, where };
}

/**
 * Resolve settings with the precedence defaults < config file < flags. A flag given on the command
 * line always wins, even when it equals the default.
 */
export function resolveSettings(
  specs: readonly FlagSpec[],
  flags: ReadonlyMap<string, unknown>,
  config: ConfigFile | undefined,
): Map<string, Setting> {
  const settings = new Map<string, Setting>();
  for (const spec of specs) {
    if (flags.has(spec.name))
      settings.set(spec.name, { value: flags.get(spec.name), source: 'flag' });
    else if (config?.values.has(spec.name)) {
      settings.set(spec.name, {
        value: convertValue(
          spec,
          config.values.get(spec.name),
          config.where.get(spec.name) ?? config.file,
        ),
        source: 'config',
      });
    } else if (spec.default !== undefined)
      settings.set(spec.name, { value: spec.default, source: 'default' });
  }
  return settings;
}
