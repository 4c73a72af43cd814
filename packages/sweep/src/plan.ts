import { createHash } from 'node:crypto';
import { ConfigError, closestNames, createRandom } from '@machop/core/base';
import { requireDirection } from '@machop/runs';
import {
  gridValues,
  tidy,
  type ParameterSpec,
  type ParameterValue,
  type Parameters,
} from './parameters.js';

/** What a sweep optimises, as in W&B: a metric name and whether it should go up or down. */
export interface SweepMetric {
  name: string;
  goal: 'maximize' | 'minimize';
}

/** A whole sweep: how points are chosen, from which parameters, with which seeds. */
export interface SweepDefinition {
  method: 'grid' | 'random';
  metric: SweepMetric;
  /** Swept and fixed settings by name; `seed` among them gives the seeds of every point. */
  parameters: Parameters;
  /** Points `random` draws. */
  count?: number;
  /** Seed of `random`'s draws (not of training). Default 0. */
  sampleSeed?: number;
}

/** Values of the swept settings that vary between points, by setting name. */
export type Point = Record<string, ParameterValue>;

/** One trial: a point, one seed, and a name that is unique in the sweep and safe as a folder name. */
export interface Trial {
  name: string;
  /** The values that vary between points. */
  point: Point;
  /** Settings every trial shares (parameters with one value). */
  fixed: Point;
  seed: number;
}

/** The metric a sweep optimises when none is given. */
export const DEFAULT_METRIC: SweepMetric = { name: 'val_acc_epoch', goal: 'maximize' };

/** The goal the metric declares (@machop/runs owns each metric's direction); unknown is an error. */
export function defaultGoal(metric: string): SweepMetric['goal'] {
  return requireDirection(
    metric,
    'give its goal with --goal maximize|minimize (metric.goal in a sweep file)',
  ) === 'min'
    ? 'minimize'
    : 'maximize';
}

// Short names users know from MASE and Lightning logs; other settings keep their flag name.
const ABBREVIATIONS: Record<string, string> = {
  'batch-size': 'bs',
  'learning-rate': 'lr',
  'max-epochs': 'ep',
  'weight-decay': 'wd',
  optimizer: 'opt',
  scheduler: 'sched',
  seed: 's',
};

/** The short name a setting has in trial names (`batch-size` is `bs`). */
export function abbreviation(name: string): string {
  return ABBREVIATIONS[name] ?? name;
}

function formatValue(value: ParameterValue): string {
  return typeof value === 'number' ? String(tidy(value)) : String(value);
}

function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-');
}

/** Check setting names against the known ones, suggesting the closest for a typo. */
export function checkParameterNames(
  parameters: Parameters,
  known: readonly string[],
  where: (name: string) => string,
): void {
  for (const name of Object.keys(parameters)) {
    if (name === 'seed' || known.includes(name)) continue;
    const close = closestNames(name, known);
    throw new ConfigError(
      `${where(name)}: unknown setting "${name}"${close.length > 0 ? `; did you mean ${close.join(', ')}?` : ''} (settings are ch train flags and model or data set options)`,
    );
  }
}

function sample(spec: ParameterSpec, random: () => number): ParameterValue {
  if ('value' in spec) return spec.value;
  if ('values' in spec) return spec.values[Math.floor(random() * spec.values.length)];
  const { min, max, distribution } = spec;
  const draw = random();
  if (distribution === 'int_uniform')
    return Math.min(max, Math.floor(min + draw * (Math.floor(max) - Math.ceil(min) + 1)));
  const value =
    distribution === 'log_uniform_values'
      ? Math.exp(Math.log(min) + draw * (Math.log(max) - Math.log(min)))
      : min + draw * (max - min);
  // Three significant digits: a sampled learning rate of 0.00123 names a trial, 0.0012345678 does not.
  return Number(value.toPrecision(3));
}

function seedsOf(parameters: Parameters): number[] {
  const spec = parameters.seed;
  if (spec === undefined) return [0];
  const values = gridValues('seed', spec, 'seed');
  for (const value of values)
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      throw new ConfigError(`seeds must be whole numbers from 0 up, got ${JSON.stringify(value)}`);
  return [...new Set(values as number[])];
}

/**
 * The points of a sweep: the product of every parameter's values for `grid` (the first
 * parameter varies slowest), or `count` draws for `random` (deterministic for a `sampleSeed`).
 */
export function sweepPoints(definition: SweepDefinition): Point[] {
  const entries = Object.entries(definition.parameters).filter(([name]) => name !== 'seed');
  if (definition.method === 'random') {
    const count = definition.count;
    if (count === undefined || !Number.isInteger(count) || count < 1)
      throw new ConfigError(
        `method "random" needs a count of points to draw, a whole number from 1 up (--random N or count in the sweep file), got ${JSON.stringify(count)}`,
      );
    const random = createRandom(definition.sampleSeed ?? 0);
    return Array.from({ length: count }, () =>
      Object.fromEntries(entries.map(([name, spec]) => [name, sample(spec, random)])),
    );
  }
  let points: Point[] = [{}];
  for (const [name, spec] of entries) {
    const values = gridValues(name, spec, `parameter ${name}`);
    points = points.flatMap((point) => values.map((value) => ({ ...point, [name]: value })));
  }
  return points;
}

/**
 * How many trials a sweep expands into, without expanding it: the product of the grid's value
 * counts (or the random draws) times the seeds. Lets a caller refuse a huge sweep at once.
 */
export function trialCount(definition: SweepDefinition): number {
  const seeds = seedsOf(definition.parameters).length;
  if (definition.method === 'random') return (definition.count ?? 0) * seeds;
  let points = 1;
  for (const [name, spec] of Object.entries(definition.parameters))
    if (name !== 'seed') points *= gridValues(name, spec, `parameter ${name}`).length;
  return points * seeds;
}

/**
 * Expand a sweep into trials: every point with every seed. Settings whose value is the same in
 * every point are `fixed`; the others make the `point` and the trial's name, such as
 * `bs64_lr0.001_s0` (unique, safe as a folder name).
 */
export function planTrials(definition: SweepDefinition): Trial[] {
  const points = sweepPoints(definition);
  const seeds = seedsOf(definition.parameters);
  const names = Object.keys(points[0] ?? {});
  const varied = names.filter((name) =>
    points.some((point) => formatValue(point[name]) !== formatValue(points[0][name])),
  );
  const trials: Trial[] = [];
  const taken = new Set<string>();
  for (const full of points) {
    const point = Object.fromEntries(varied.map((name) => [name, full[name]]));
    const fixed = Object.fromEntries(
      names.filter((name) => !varied.includes(name)).map((name) => [name, full[name]]),
    );
    for (const seed of seeds) {
      const parts = [
        ...varied.map((name) => `${abbreviation(name)}${formatValue(point[name])}`),
        `s${seed}`,
      ];
      const base = safe(parts.join('_')).replace(/^[^A-Za-z0-9]+/, '') || `trial${trials.length}`;
      let name = base;
      for (let copy = 2; taken.has(name); copy++) name = `${base}_${copy}`;
      taken.add(name);
      trials.push({ name, point, fixed, seed });
    }
  }
  return trials;
}

/** JSON with sorted keys, so equal definitions hash equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/**
 * A sweep's id, from everything that defines it (the definition and the settings every trial
 * shares): the same command gives the same id, so running it again continues the sweep. Reads as
 * the swept settings plus a hash: `bs-lr-3f9a2c1d`.
 */
export function sweepId(definition: SweepDefinition, base: unknown): string {
  const hash = createHash('sha256')
    .update(canonical({ definition, base }))
    .digest('hex')
    .slice(0, 8);
  const swept = Object.keys(definition.parameters)
    .filter((name) => name !== 'seed')
    .map((name) => safe(abbreviation(name)));
  return [...swept.slice(0, 4), hash].join('-');
}
