import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, kebabCase } from '@machop/core/base';
import type * as Yaml from 'yaml';
import type { Node } from 'yaml';
import type { Distribution, ParameterSpec, ParameterValue, Parameters } from './parameters.js';
import { DEFAULT_METRIC, defaultGoal, type SweepDefinition } from './plan.js';

/** A sweep file as read: the definition, and `file:line` of each key path for later messages. */
export interface SweepFile {
  file: string;
  definition: SweepDefinition;
  /** `file:line` of a key path such as `parameters.batch-size`. */
  where(keyPath: string): string;
}

const TOP_KEYS = ['method', 'metric', 'parameters', 'count', 'run_cap', 'name', 'description'];
const METRIC_KEYS = ['name', 'goal'];
const PARAMETER_KEYS = ['values', 'value', 'min', 'max', 'distribution'];
const DISTRIBUTIONS: readonly Distribution[] = ['uniform', 'log_uniform_values', 'int_uniform'];

/** Lines of keys in a YAML document, by dotted key path. */
function yamlLines(text: string, yaml: typeof Yaml): Map<string, number> {
  const { isMap, isScalar, LineCounter, parseDocument } = yaml;
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter });
  const lines = new Map<string, number>();
  const walk = (node: Node | null | undefined, prefix: string) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const keyPath = prefix ? `${prefix}.${key}` : key;
      const range = (pair.key as Node | null)?.range;
      if (range) lines.set(keyPath, counter.linePos(range[0]).line);
      walk(pair.value as Node | null, keyPath);
    }
  };
  walk(document.contents, '');
  return lines;
}

/** The line of a TOML key path: the key under its parent's table header, or in a dotted header. */
function tomlLine(text: string, keyPath: string): number | undefined {
  const lines = text.split('\n');
  const parts = keyPath.split('.');
  const escape = (key: string) => key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const last = escape(parts[parts.length - 1]);
  const asKey = new RegExp(`(^|[{,.\\s])["']?${last}["']?\\s*=`);
  const asHeader = new RegExp(`^\\s*\\[[^\\]]*["']?${last}["']?\\s*\\]`);
  let from = 0;
  if (parts.length > 1) {
    const parent = tomlLine(text, parts.slice(0, -1).join('.'));
    if (parent !== undefined) from = parent - 1;
  }
  for (let index = from; index < lines.length; index++)
    if (asHeader.test(lines[index]) || asKey.test(lines[index])) return index + 1;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isValue(value: unknown): value is ParameterValue {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/**
 * Read a sweep file (TOML, or YAML for `.yaml`/`.yml`, or JSON) in the shape W&B sweeps use:
 * `method` (grid or random), `metric {name, goal}`, `parameters` whose entries hold `values`,
 * `value`, or `min`/`max`/`distribution` (uniform, log_uniform_values, int_uniform), and `count`
 * (or W&B's `run_cap`) for random. Parameter names are `ch train` flag names (snake_case and
 * camelCase are accepted); a `seed` parameter gives the seeds of every point. An unknown key is
 * an error naming its `file:line`.
 */
export async function readSweepFile(file: string, cwd = process.cwd()): Promise<SweepFile> {
  const absolute = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'file not found'
        : (error as Error).message;
    throw new ConfigError(`--sweep ${file}: ${reason}`, { cause: error });
  }
  const kind = /\.ya?ml$/i.test(absolute) ? 'YAML' : /\.json$/i.test(absolute) ? 'JSON' : 'TOML';
  let data: unknown;
  let lines: Map<string, number> | undefined;
  try {
    // The parsers are loaded for their own kind of file only: `ch runs` imports this package.
    if (kind === 'YAML') {
      const yaml = await import('yaml');
      const document = yaml.parseDocument(text);
      if (document.errors.length > 0) throw document.errors[0];
      data = document.toJS() as unknown;
      lines = yamlLines(text, yaml);
    } else data = kind === 'JSON' ? JSON.parse(text) : (await import('smol-toml')).parse(text);
  } catch (error) {
    const line =
      (error as { line?: number }).line ??
      (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    const reason = ((error as Error).message.split('\n')[0] ?? '').replace(
      /^Invalid TOML document: /,
      '',
    );
    throw new ConfigError(`${absolute}${line ? `:${line}` : ''}: not valid ${kind}: ${reason}`);
  }
  const where = (keyPath: string): string => {
    const line = lines?.get(keyPath) ?? (kind === 'TOML' ? tomlLine(text, keyPath) : undefined);
    return `${absolute}${line ? `:${line}` : ''}`;
  };
  const fail = (keyPath: string, message: string): never => {
    throw new ConfigError(`${where(keyPath)}: ${message}`);
  };
  const onlyKeys = (value: Record<string, unknown>, allowed: readonly string[], prefix: string) => {
    for (const key of Object.keys(value))
      if (!allowed.includes(key))
        fail(
          prefix ? `${prefix}.${key}` : key,
          `unknown key "${prefix ? `${prefix}.` : ''}${key}" (allowed here: ${allowed.join(', ')})`,
        );
  };

  if (!isRecord(data)) return fail('', 'a sweep file must hold method, metric and parameters');
  onlyKeys(data, TOP_KEYS, '');
  const method = data.method ?? 'grid';
  if (method !== 'grid' && method !== 'random')
    fail('method', `method must be grid or random, got ${JSON.stringify(method)}`);

  let metric = DEFAULT_METRIC;
  if (data.metric !== undefined) {
    if (!isRecord(data.metric)) return fail('metric', 'metric must be a table with name and goal');
    onlyKeys(data.metric, METRIC_KEYS, 'metric');
    const name = data.metric.name;
    if (typeof name !== 'string' || name === '')
      fail('metric', 'metric.name must be a metric name such as val_acc_epoch');
    const goal = data.metric.goal ?? defaultGoal(name as string);
    if (goal !== 'maximize' && goal !== 'minimize')
      fail('metric.goal', `metric.goal must be maximize or minimize, got ${JSON.stringify(goal)}`);
    metric = { name: name as string, goal: goal as 'maximize' | 'minimize' };
  }

  if (!isRecord(data.parameters))
    return fail(
      'parameters',
      'parameters must be a table of settings, such as [parameters.batch-size] values = [64, 128]',
    );
  const parameters: Parameters = {};
  for (const [key, raw] of Object.entries(data.parameters)) {
    const keyPath = `parameters.${key}`;
    if (!isRecord(raw))
      return fail(keyPath, `parameter ${key} must hold values, value, or min and max`);
    onlyKeys(raw, PARAMETER_KEYS, keyPath);
    let spec: ParameterSpec;
    if (raw.values !== undefined) {
      if (!Array.isArray(raw.values) || !raw.values.every(isValue))
        return fail(
          `${keyPath}.values`,
          `${key}.values must be a list of numbers, text or booleans`,
        );
      if (raw.values.length === 0)
        return fail(`${keyPath}.values`, `empty grid: ${key}.values lists no value`);
      spec = { values: raw.values };
    } else if (raw.value !== undefined) {
      if (!isValue(raw.value))
        return fail(`${keyPath}.value`, `${key}.value must be a number, text or boolean`);
      spec = { value: raw.value };
    } else if (raw.min !== undefined || raw.max !== undefined) {
      const { min, max } = raw;
      if (typeof min !== 'number' || typeof max !== 'number' || !(min < max))
        return fail(
          keyPath,
          `${key} needs numbers min < max, got ${JSON.stringify(min)} and ${JSON.stringify(max)}`,
        );
      const distribution =
        raw.distribution ??
        (Number.isInteger(min) && Number.isInteger(max) ? 'int_uniform' : 'uniform');
      if (!DISTRIBUTIONS.includes(distribution as Distribution))
        return fail(
          `${keyPath}.distribution`,
          `${key}.distribution must be one of ${DISTRIBUTIONS.join(', ')}, got ${JSON.stringify(distribution)}`,
        );
      if (distribution === 'log_uniform_values' && min <= 0)
        return fail(keyPath, `${key}: log_uniform_values needs min above 0, got ${min}`);
      spec = { min, max, distribution: distribution as Distribution };
    } else return fail(keyPath, `parameter ${key} must hold values, value, or min and max`);
    parameters[kebabCase(key)] = spec;
  }
  const count = data.count ?? data.run_cap;
  if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 1))
    fail(
      data.count !== undefined ? 'count' : 'run_cap',
      `count must be a whole number from 1 up, got ${JSON.stringify(count)}`,
    );
  const definition: SweepDefinition = {
    method: method as 'grid' | 'random',
    metric,
    parameters,
    ...(count !== undefined ? { count: count as number } : {}),
  };
  return {
    file: absolute,
    definition,
    where: (keyPath) => {
      // Parameters are stored under kebab-case names; find the key as the file spells it.
      const [head, name, ...rest] = keyPath.split('.');
      if (head === 'parameters' && name !== undefined && isRecord(data.parameters)) {
        const spelled = Object.keys(data.parameters).find((key) => kebabCase(key) === name) ?? name;
        return where(['parameters', spelled, ...rest].join('.'));
      }
      return where(keyPath);
    },
  };
}
