import { ConfigError, closestNames } from '@machop/core/base';

/**
 * How one strategy option is checked. A number: its default, whether it must be whole, and its
 * accepted range (`min` and `max` inclusive, `above` exclusive). A boolean: its default.
 */
export type OptionRule =
  | {
      readonly type: 'integer' | 'number';
      /** Absent: the option is optional and resolves to `undefined` when not given. */
      readonly default?: number;
      readonly min?: number;
      readonly above?: number;
      readonly max?: number;
    }
  | { readonly type: 'boolean'; readonly default: boolean };

/** The value type each rule resolves to. */
export type ResolvedOptions<Rules extends Record<string, OptionRule>> = {
  -readonly [Name in keyof Rules]: Rules[Name] extends { type: 'boolean' }
    ? boolean
    : Rules[Name] extends { default: number }
      ? number
      : number | undefined;
};

/**
 * The options of strategy `strategy`: `given` checked against `rules` (camelCase names), with
 * defaults for the rest. An unknown name or a bad value is a one-line {@link ConfigError} that
 * names the option and what it accepts.
 */
export function resolveStrategyOptions<Rules extends Record<string, OptionRule>>(
  strategy: string,
  rules: Rules,
  given: Readonly<Record<string, unknown>>,
): ResolvedOptions<Rules> {
  const known = Object.keys(rules);
  for (const name of Object.keys(given)) {
    if (known.includes(name)) continue;
    const close = closestNames(name, known);
    const hint =
      close.length > 0
        ? `did you mean ${close.join(', ')}?`
        : known.length > 0
          ? `its options are ${known.join(', ')}`
          : 'it takes no options';
    throw new ConfigError(`strategy "${strategy}" has no option "${name}": ${hint}`);
  }
  const resolved: Record<string, number | boolean> = {};
  for (const name of known) {
    const rule = rules[name];
    const value = given[name] ?? rule.default;
    if (value === undefined) continue;
    const fail = (expected: string): never => {
      throw new ConfigError(
        `strategy "${strategy}" option "${name}" must be ${expected}, got ${JSON.stringify(value)}`,
      );
    };
    if (rule.type === 'boolean') {
      if (typeof value !== 'boolean') fail('true or false');
    } else {
      const limits = [
        rule.min === undefined ? '' : `>= ${rule.min}`,
        rule.above === undefined ? '' : `> ${rule.above}`,
        rule.max === undefined ? '' : `<= ${rule.max}`,
      ].filter(Boolean);
      const expected = `${rule.type === 'integer' ? 'a whole number' : 'a number'}${limits.length > 0 ? ` ${limits.join(' and ')}` : ''}`;
      if (
        typeof value !== 'number' ||
        !Number.isFinite(value) ||
        (rule.type === 'integer' && !Number.isInteger(value)) ||
        (rule.min !== undefined && value < rule.min) ||
        (rule.above !== undefined && value <= rule.above) ||
        (rule.max !== undefined && value > rule.max)
      ) {
        fail(expected);
      }
    }
    resolved[name] = value as number | boolean;
  }
  return resolved as ResolvedOptions<Rules>;
}
