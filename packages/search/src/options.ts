import { ConfigError, closestNames } from '@machop/core/base';

/** How one strategy option is checked: its default and the values it accepts. */
export interface OptionRule {
  readonly default: number;
  /** `integer`: a whole number; `number`: any finite number. */
  readonly type: 'integer' | 'number';
  /** The smallest accepted value, inclusive. */
  readonly min: number;
  /** The largest accepted value, inclusive (no limit when absent). */
  readonly max?: number;
}

/**
 * The options of strategy `strategy`: `given` checked against `rules` (camelCase names), with
 * defaults for the rest. An unknown name or a bad value is a one-line {@link ConfigError} that
 * names the option and what it accepts.
 */
export function resolveStrategyOptions<Names extends string>(
  strategy: string,
  rules: Readonly<Record<Names, OptionRule>>,
  given: Readonly<Record<string, unknown>>,
): Record<Names, number> {
  const known = Object.keys(rules) as Names[];
  for (const name of Object.keys(given)) {
    if ((known as string[]).includes(name)) continue;
    const close = closestNames(name, known);
    const hint =
      close.length > 0
        ? `did you mean ${close.join(', ')}?`
        : known.length > 0
          ? `its options are ${known.join(', ')}`
          : 'it takes no options';
    throw new ConfigError(`strategy "${strategy}" has no option "${name}": ${hint}`);
  }
  const resolved = {} as Record<Names, number>;
  for (const name of known) {
    const rule = rules[name];
    const value = given[name] ?? rule.default;
    const range = rule.max === undefined ? `>= ${rule.min}` : `in [${rule.min}, ${rule.max}]`;
    const expected = `${rule.type === 'integer' ? 'a whole number' : 'a number'} ${range}`;
    const whole = rule.type === 'number' || Number.isInteger(value);
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      !whole ||
      value < rule.min ||
      (rule.max !== undefined && value > rule.max)
    ) {
      throw new ConfigError(
        `strategy "${strategy}" option "${name}" must be ${expected}, got ${JSON.stringify(value)}`,
      );
    }
    resolved[name] = value;
  }
  return resolved;
}
