import {
  ConfigError,
  type Assignment,
  type SearchParameter,
  type SearchSpace,
  type SearchValue,
} from '@machop/core/base';
import { randomIndex, uniform, type Random } from './seeded.js';

/**
 * Check that every parameter of `space` can be sampled: choices are non-empty, ranges have
 * `low <= high` with finite ends (and `low > 0` on a log scale; whole-number ends for `int`).
 * Throws a {@link ConfigError} naming the first bad parameter and how to fix it.
 */
export function checkSpace(space: SearchSpace): void {
  const names = Object.keys(space);
  if (names.length === 0) {
    throw new ConfigError(
      'the search space has no parameters: give at least one parameter to search over',
    );
  }
  for (const name of names) {
    const parameter = space[name];
    const where = `search space parameter "${name}"`;
    if (parameter.kind === 'categorical' || parameter.kind === 'ordinal') {
      if (parameter.choices.length === 0) {
        throw new ConfigError(`${where} has no choices: list at least one`);
      }
      continue;
    }
    if (parameter.kind !== 'int' && parameter.kind !== 'float') {
      throw new ConfigError(
        `${where} has kind "${String((parameter as { kind: unknown }).kind)}": use categorical, ordinal, int or float`,
      );
    }
    const { low, high } = parameter;
    if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) {
      throw new ConfigError(
        `${where} has range [${low}, ${high}]: give finite ends with low <= high`,
      );
    }
    if (parameter.kind === 'int' && (!Number.isInteger(low) || !Number.isInteger(high))) {
      throw new ConfigError(
        `${where} is an int range with ends ${low} and ${high}: use whole numbers`,
      );
    }
    if (parameter.log && low <= 0) {
      throw new ConfigError(`${where} is on a log scale but its low end is ${low}: use low > 0`);
    }
  }
}

/**
 * The index of `value` among a parameter's choices, or -1 when it is not one of them (a trial
 * from another space, say). Compared with `===`, so `8` and `"8"` are different choices.
 */
export function choiceIndex(
  parameter: Extract<SearchParameter, { choices: readonly unknown[] }>,
  value: SearchValue | undefined,
): number {
  return (parameter.choices as readonly SearchValue[]).indexOf(value as SearchValue);
}

/** Whether `value` is a value `parameter` can take (a choice, or a number in its range). */
export function contains(parameter: SearchParameter, value: SearchValue | undefined): boolean {
  if (parameter.kind === 'categorical' || parameter.kind === 'ordinal') {
    return choiceIndex(parameter, value) >= 0;
  }
  if (typeof value !== 'number' || !(value >= parameter.low && value <= parameter.high))
    return false;
  return parameter.kind === 'float' || Number.isInteger(value);
}

/**
 * One value of `parameter` drawn uniformly, as Optuna's RandomSampler draws: each choice with
 * equal probability; a float uniformly in its range (log-uniformly when `log`); an int uniformly
 * in [low - 0.5, high + 0.5] then rounded (log-uniformly on that widened range when `log`), so
 * both ends are as likely as any other integer.
 */
export function sampleParameter(parameter: SearchParameter, random: Random): SearchValue {
  switch (parameter.kind) {
    case 'categorical':
    case 'ordinal':
      return parameter.choices[randomIndex(random, parameter.choices.length)];
    case 'float': {
      const { low, high } = parameter;
      const value = parameter.log
        ? Math.exp(uniform(random, Math.log(low), Math.log(high)))
        : uniform(random, low, high);
      return clamp(value, low, high);
    }
    case 'int': {
      const { low, high } = parameter;
      const value = parameter.log
        ? Math.exp(uniform(random, Math.log(low - 0.5), Math.log(high + 0.5)))
        : uniform(random, low - 0.5, high + 0.5);
      return clamp(Math.round(value), low, high);
    }
  }
}

/** A configuration drawn uniformly, parameter by parameter, in the space's order. */
export function sampleAssignment(space: SearchSpace, random: Random): Assignment {
  const assignment: Record<string, SearchValue> = {};
  for (const [name, parameter] of Object.entries(space)) {
    assignment[name] = sampleParameter(parameter, random);
  }
  return assignment;
}

/** `value` limited to [low, high]. */
export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
