import { ConfigError, closestNames, unknownName } from '@machop/core/base';

/** How a flag's text is read. */
export type FlagType = 'string' | 'number' | 'integer' | 'boolean' | 'number-list' | 'string-list';

/** One command-line flag. `name` is the kebab-case flag without dashes. */
export interface FlagSpec {
  name: string;
  type: FlagType;
  description: string;
  /** Placeholder shown in help, such as FILE. */
  value?: string;
  default?: string | number | boolean | readonly number[];
  choices?: readonly string[];
  /** May be given several times; values accumulate (only for `string-list`). */
  repeatable?: boolean;
  short?: string;
  /** Lower bound for numbers. */
  min?: number;
  /** Whether the lower bound itself is allowed (default true). */
  minInclusive?: boolean;
  max?: number;
}

/** The result of parsing: positionals, and the flags that were given, keyed by flag name. */
export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, unknown>;
}

/** Parse and check one flag value against its spec; `where` says where it came from, for messages. */
export function convertValue(spec: FlagSpec, raw: unknown, where: string): unknown {
  const fail = (expected: string): never => {
    throw new ConfigError(`${where}: expected ${expected}, got ${JSON.stringify(raw)}`);
  };
  const asNumber = (value: unknown, integer: boolean): number => {
    const number =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && value.trim() !== ''
          ? Number(value)
          : NaN;
    if (!Number.isFinite(number)) fail(integer ? 'a whole number' : 'a number');
    if (integer && !Number.isInteger(number)) fail('a whole number');
    if (
      spec.min !== undefined &&
      (spec.minInclusive === false ? number <= spec.min : number < spec.min)
    ) {
      fail(
        `a number ${spec.minInclusive === false ? '>' : '>='} ${spec.min}${spec.max !== undefined ? ` and <= ${spec.max}` : ''}`,
      );
    }
    if (spec.max !== undefined && number > spec.max) fail(`a number <= ${spec.max}`);
    return number;
  };
  switch (spec.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1' || raw === 'yes') return true;
      if (raw === 'false' || raw === '0' || raw === 'no') return false;
      return fail('true or false');
    case 'number':
    case 'integer':
      return asNumber(raw, spec.type === 'integer');
    case 'number-list': {
      const parts = Array.isArray(raw)
        ? (raw as unknown[])
        : typeof raw === 'string'
          ? raw.split(',').filter((part) => part.trim() !== '')
          : typeof raw === 'number'
            ? [raw]
            : fail('a comma-separated list of numbers');
      return parts.map((part) => asNumber(part, false));
    }
    case 'string-list':
      return Array.isArray(raw) ? raw.map(String) : [String(raw)];
    case 'string': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return fail('text');
      const text = String(raw);
      if (spec.choices && !spec.choices.includes(text)) fail(`one of ${spec.choices.join(', ')}`);
      return text;
    }
  }
}

/**
 * Flags to suggest for an unknown one: those it abbreviates by their words' initials (`--lr` for
 * `--learning-rate`, `--bs` for `--batch-size`), those it names by one of their words (`--epochs`
 * for `--max-epochs`), then the closest by spelling.
 */
export function suggestedFlags(flag: string, names: readonly string[]): string[] {
  const words = (name: string) => name.split('-');
  const initials = names.filter(
    (name) =>
      words(name).length > 1 &&
      words(name)
        .map((word) => word[0])
        .join('') === flag,
  );
  const byWord = names.filter((name) => words(name).length > 1 && words(name).includes(flag));
  return [...new Set([...initials, ...byWord, ...closestNames(flag, names)])].slice(0, 3);
}

/**
 * Parse command-line words against flag specs: `--name value`, `--name=value`, `--flag`,
 * `--no-flag`, short `-h`, and `--` to end flags. Unknown flags are an error that suggests the
 * closest known ones.
 */
export function parseArgs(
  argv: readonly string[],
  specs: readonly FlagSpec[],
  command: string,
): ParsedArgs {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const byShort = new Map(specs.filter((spec) => spec.short).map((spec) => [spec.short!, spec]));
  const positionals: string[] = [];
  const flags = new Map<string, unknown>();
  const unknown = (flag: string): never => {
    const close = suggestedFlags(
      flag,
      specs.map((spec) => spec.name),
    );
    throw new ConfigError(
      unknownName(
        `unknown flag --${flag} for ${command}`,
        close,
        `run "${command} --help" to see its flags`,
        (name) => `--${name}`,
      ),
    );
  };
  const set = (spec: FlagSpec, raw: unknown) => {
    const value = convertValue(spec, raw, `--${spec.name}`);
    if (spec.repeatable)
      flags.set(spec.name, [
        ...((flags.get(spec.name) as unknown[] | undefined) ?? []),
        ...(value as unknown[]),
      ]);
    else flags.set(spec.name, value);
  };

  for (let index = 0; index < argv.length; index++) {
    const word = argv[index];
    if (word === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (word.startsWith('--')) {
      const equals = word.indexOf('=');
      const name = word.slice(2, equals === -1 ? undefined : equals);
      let spec = byName.get(name);
      if (!spec && name.startsWith('no-')) {
        const negated = byName.get(name.slice(3));
        if (negated?.type === 'boolean' && equals === -1) {
          flags.set(negated.name, false);
          continue;
        }
      }
      spec ??= unknown(name);
      if (equals !== -1) set(spec, word.slice(equals + 1));
      else if (spec.type === 'boolean') set(spec, true);
      else {
        const value = argv[index + 1];
        if (value === undefined || (value.startsWith('--') && value.length > 2)) {
          throw new ConfigError(
            `flag --${name} needs a value${spec.value ? ` (${spec.value})` : ''}: ${command} --${name} <value>`,
          );
        }
        set(spec, value);
        index++;
      }
    } else if (word.startsWith('-') && word.length === 2 && word !== '-') {
      const spec = byShort.get(word.slice(1)) ?? unknown(word.slice(1));
      if (spec.type !== 'boolean') {
        const value = argv[++index];
        if (value === undefined) throw new ConfigError(`flag ${word} needs a value`);
        set(spec, value);
      } else set(spec, true);
    } else {
      positionals.push(word);
    }
  }
  return { positionals, flags };
}

export { camelCase, kebabCase } from '@machop/core/base';
