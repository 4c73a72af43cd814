import { ConfigError } from '@machop/core/base';

/** A value a swept setting can take: what a flag would be given. */
export type ParameterValue = string | number | boolean;

/** How `random` samples a range, with W&B's names. */
export type Distribution = 'uniform' | 'log_uniform_values' | 'int_uniform';

/**
 * One swept or fixed setting, in the shape of a W&B sweep's `parameters` entry: a list of
 * `values`, one fixed `value`, or a range (`min`, `max`, `distribution`) that `random` samples.
 */
export type ParameterSpec =
  | { values: ParameterValue[] }
  | { value: ParameterValue }
  | { min: number; max: number; distribution: Distribution };

/** A sweep's parameters by setting name (a `ch train` flag or a model or data set option). */
export type Parameters = Record<string, ParameterSpec>;

const GRID_USAGE =
  'write KEY=V1,V2,... or KEY=LOW:HIGH:log|lin:COUNT, for example batch-size=64,128 or learning-rate=1e-6:1e-1:log:6';

/** Text to a value: numbers and true/false are typed, anything else stays text. */
export function parseValue(text: string): ParameterValue {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed !== '' && /^[-+.\d]/.test(trimmed) && Number.isFinite(Number(trimmed)))
    return Number(trimmed);
  return trimmed;
}

/** `x` without floating-point noise (0.1 * 3 prints as 0.3), for names and flags. */
export function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

function number(text: string, where: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new ConfigError(
      `${where}: range bound ${JSON.stringify(text)} is not a number; ${GRID_USAGE}`,
    );
  return value;
}

const INTEGER = /^[-+]?\d+$/;

/**
 * The `COUNT` points of a range from `low` to `high`, both included: evenly spaced (`lin`) or
 * evenly spaced in log space (`log`). When both bounds are written as whole numbers the points
 * are rounded to whole numbers (and repeats dropped), so `64:2048:log:6` gives 64, 128, ... 2048.
 */
export function rangeValues(spec: string, where: string): number[] {
  const parts = spec.split(':');
  if (parts.length !== 4)
    throw new ConfigError(`${where}: range ${JSON.stringify(spec)} does not parse; ${GRID_USAGE}`);
  const [lowText, highText, scale, countText] = parts;
  const low = number(lowText, where);
  const high = number(highText, where);
  if (scale !== 'log' && scale !== 'lin')
    throw new ConfigError(
      `${where}: range scale must be log or lin, got ${JSON.stringify(scale)}; ${GRID_USAGE}`,
    );
  if (!INTEGER.test(countText.trim()) || Number(countText) < 1)
    throw new ConfigError(
      `${where}: range count must be a whole number of at least 1, got ${JSON.stringify(countText)}; ${GRID_USAGE}`,
    );
  if (scale === 'log' && (low <= 0 || high <= 0))
    throw new ConfigError(`${where}: a log range needs bounds above 0, got ${low} and ${high}`);
  const count = Number(countText);
  const integers = INTEGER.test(lowText.trim()) && INTEGER.test(highText.trim());
  const values: number[] = [];
  for (let index = 0; index < count; index++) {
    const fraction = count === 1 ? 0 : index / (count - 1);
    let value =
      scale === 'log'
        ? Math.exp(Math.log(low) + fraction * (Math.log(high) - Math.log(low)))
        : low + fraction * (high - low);
    value = integers ? Math.round(value) : tidy(value);
    values.push(value);
  }
  return [...new Set(values)];
}

/** A range for `--random`: `LOW:HIGH:log|lin` (whole-number bounds with `lin` sample whole numbers). */
function randomRange(spec: string, where: string): ParameterSpec {
  const parts = spec.split(':');
  if (parts.length !== 3 || (parts[2] !== 'log' && parts[2] !== 'lin'))
    throw new ConfigError(
      `${where}: range ${JSON.stringify(spec)} does not parse; with --random write KEY=LOW:HIGH:log|lin or KEY=V1,V2,...`,
    );
  const min = number(parts[0], where);
  const max = number(parts[1], where);
  if (!(min < max))
    throw new ConfigError(`${where}: range needs LOW < HIGH, got ${min} and ${max}`);
  if (parts[2] === 'log') {
    if (min <= 0) throw new ConfigError(`${where}: a log range needs bounds above 0, got ${min}`);
    return { min, max, distribution: 'log_uniform_values' };
  }
  const integers = INTEGER.test(parts[0].trim()) && INTEGER.test(parts[1].trim());
  return { min, max, distribution: integers ? 'int_uniform' : 'uniform' };
}

/**
 * Parse one `--grid KEY=...` flag into a setting name and its spec: a comma-separated list of
 * values, or a range (`LOW:HIGH:log|lin:COUNT` for a grid; `LOW:HIGH:log|lin` to sample with
 * `random`). Throws a {@link ConfigError} naming the flag for anything else.
 */
export function parseGridFlag(
  text: string,
  method: 'grid' | 'random' = 'grid',
): { name: string; spec: ParameterSpec } {
  const where = `--grid ${text}`;
  const equals = text.indexOf('=');
  if (equals <= 0) throw new ConfigError(`${where}: no setting name; ${GRID_USAGE}`);
  const name = text.slice(0, equals).trim().replace(/^--/, '');
  const body = text.slice(equals + 1).trim();
  if (body === '')
    throw new ConfigError(`${where}: empty grid, give ${name} at least one value; ${GRID_USAGE}`);
  if (body.includes(':') && !body.includes(',')) {
    if (method === 'random') return { name, spec: randomRange(body, where) };
    return { name, spec: { values: rangeValues(body, where) } };
  }
  const parts = body.split(',').map((part) => part.trim());
  if (parts.some((part) => part === ''))
    throw new ConfigError(`${where}: empty value in the list; ${GRID_USAGE}`);
  return { name, spec: { values: parts.map(parseValue) } };
}

/** The values a spec stands for in a grid (a `value` is a list of one). */
export function gridValues(name: string, spec: ParameterSpec, where: string): ParameterValue[] {
  if ('values' in spec) {
    if (spec.values.length === 0)
      throw new ConfigError(`${where}: empty grid, give ${name} at least one value`);
    // A value listed twice is one point: it is trained once.
    const seen = new Set<string>();
    return spec.values.filter((value) => {
      const key = `${typeof value}:${String(value)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  if ('value' in spec) return [spec.value];
  throw new ConfigError(
    `${where}: ${name} is a range (min/max), which method "grid" cannot enumerate; list its values, or use method "random"`,
  );
}
