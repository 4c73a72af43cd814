import { ConfigError } from './errors.js';
import { closestNames } from './suggest.js';
import type { OptionSpec, OptionValues } from './types.js';

/**
 * The flag a camelCase or snake_case option name is typed as: `labelColumn` and `label_column`
 * are both `label-column`.
 */
export function kebabCase(name: string): string {
  return name
    .replace(/_/g, '-')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

/**
 * The option name a flag is kept under: `label-column` and `label_column` are both `labelColumn`.
 * With {@link kebabCase}, the one conversion between the two spellings.
 */
export function camelCase(name: string): string {
  return name.replace(/[-_]([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function convert(spec: OptionSpec, value: unknown, where: string): unknown {
  const fail = (expected: string): never => {
    throw new ConfigError(`${where} must be ${expected}, got ${JSON.stringify(value)}`);
  };
  switch (spec.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : fail('a number');
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? value : fail('a whole number');
    case 'boolean':
      return typeof value === 'boolean' ? value : fail('true or false');
    case 'number-list': {
      const list =
        typeof value === 'string' ? value.split(',').map((part) => Number(part.trim())) : value;
      if (
        !Array.isArray(list) ||
        list.length === 0 ||
        !list.every((item) => typeof item === 'number' && Number.isFinite(item))
      ) {
        return fail('a list of numbers such as 64,32');
      }
      return [...(list as number[])];
    }
    case 'string':
      if (typeof value !== 'string') return fail('a string');
      if (spec.choices && !spec.choices.includes(value))
        return fail(`one of ${spec.choices.join(', ')}`);
      return value;
    default:
      return value;
  }
}

/**
 * The option values handed to a model or data set entry (every host, the trainer and the CLI
 * alike, resolves them here): `given` checked against the entry's
 * option specs, with defaults for the rest. An unknown name, a wrong type or a missing required
 * option is a {@link ConfigError} naming the option and its flag.
 */
export function resolveEntryOptions(
  kind: 'model' | 'dataset',
  entry: { name: string; options?: readonly OptionSpec[] },
  given: OptionValues,
): Record<string, unknown> {
  const specs = entry.options ?? [];
  const known = specs.map((spec) => spec.name);
  for (const name of Object.keys(given)) {
    if (known.includes(name)) continue;
    const close = closestNames(name, known);
    const hint =
      close.length > 0
        ? `did you mean ${close.join(', ')}?`
        : known.length > 0
          ? `its options are ${known.join(', ')}`
          : 'it takes no options';
    throw new ConfigError(
      `${kind} "${entry.name}" has no option "${name}": ${hint} (see "ch info ${entry.name}")`,
    );
  }
  const resolved: Record<string, unknown> = {};
  for (const spec of specs) {
    const where = `option ${spec.name} (--${kebabCase(spec.name)}) of ${kind} "${entry.name}"`;
    const value = given[spec.name];
    if (value !== undefined) resolved[spec.name] = convert(spec, value, where);
    else if (spec.default !== undefined)
      resolved[spec.name] = Array.isArray(spec.default)
        ? [...(spec.default as number[])]
        : spec.default;
    else if (spec.required)
      throw new ConfigError(
        `${kind} "${entry.name}" needs ${where.replace(/ of .*$/, '')}: ${spec.description}`,
      );
  }
  return resolved;
}
