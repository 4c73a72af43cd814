import { ConfigError, closestNames } from '@machop/core/base';
import { isSearchMetric, SEARCH_METRICS, type SearchMetricName } from './metrics/names.js';

/** A metric a search weighs: MASE's `[search.strategy.metrics] <name>.scale` and `.direction`. */
export interface MetricSetting {
  name: SearchMetricName;
  scale: number;
  direction: 'maximize' | 'minimize';
}

/** The `[search]` tables of a MASE config, read (every field may still be replaced by a flag). */
export interface SearchSettings {
  /** `[search.search_space]`: its `name`, and the rest of the table for the space to read. */
  space?: { name: string; config: Record<string, unknown> };
  /** Our strategy's name for MASE's `setup.sampler` (`tpe`, `random`, `nsgaii` becomes `nsga2`). */
  strategy?: string;
  trials?: number;
  timeoutSeconds?: number;
  /** In MASE's order: sorted by name. */
  metrics: MetricSetting[];
  /** `setup.sum_scaled_metrics`: one objective, the signed sum of the scaled metrics. */
  sumScaledMetrics: boolean;
  /** `setup.direction`, the sum's direction. */
  direction?: 'maximize' | 'minimize';
  /** `hw_runner.average_bitwidth.compare_to`: the width `memory_density` compares with. */
  compareTo: number;
  /** One line per key Machop.ts does not honour, for the CLI to print. */
  notes: string[];
}

/** MASE's Optuna sampler names, as our strategies are called. */
const SAMPLERS: Record<string, string> = { nsgaii: 'nsga2', grid: 'brute-force' };

/** Reads the `[search]` table of a MASE config; a bad value is a one-line `ConfigError`. */
export function readSearchTables(
  search: Record<string, unknown> | undefined,
  file: string,
): SearchSettings {
  const settings: SearchSettings = {
    metrics: [],
    sumScaledMetrics: false,
    compareTo: 32,
    notes: [],
  };
  if (!search) return settings;
  const at = (where: string) => `${file}: search.${where}`;
  const spaceTable = table(search.search_space, at('search_space'));
  if (spaceTable) {
    const { name, ...config } = spaceTable;
    if (typeof name !== 'string' || name === '')
      throw new ConfigError(
        `${at('search_space.name')} is missing; name a space, as name = "graph/quantize/mixed_precision_ptq"`,
      );
    settings.space = { name, config };
  }
  const strategy = table(search.strategy, at('strategy')) ?? {};
  if (strategy.name !== undefined && strategy.name !== 'optuna')
    settings.notes.push(
      `${at('strategy.name')} = ${JSON.stringify(strategy.name)}: Machop.ts has its own strategies; choose one with setup.sampler or --strategy`,
    );
  // Older MASE configs keep the setup keys in [search.strategy] itself.
  const setup = { ...strategy, ...(table(strategy.setup, at('strategy.setup')) ?? {}) };
  if (setup.sampler !== undefined) {
    if (typeof setup.sampler !== 'string')
      throw new ConfigError(`${at('strategy.setup.sampler')} must be a name, as sampler = "tpe"`);
    const sampler = setup.sampler.toLowerCase();
    settings.strategy = SAMPLERS[sampler] ?? sampler;
  }
  if (setup.n_trials !== undefined) {
    if (!Number.isInteger(setup.n_trials) || (setup.n_trials as number) < 1)
      throw new ConfigError(`${at('strategy.setup.n_trials')} must be a whole number >= 1`);
    settings.trials = setup.n_trials as number;
  }
  if (setup.timeout !== undefined) {
    if (typeof setup.timeout !== 'number' || !(setup.timeout > 0))
      throw new ConfigError(`${at('strategy.setup.timeout')} must be a number of seconds > 0`);
    settings.timeoutSeconds = setup.timeout;
  }
  if (setup.sum_scaled_metrics !== undefined) {
    if (typeof setup.sum_scaled_metrics !== 'boolean')
      throw new ConfigError(`${at('strategy.setup.sum_scaled_metrics')} must be true or false`);
    settings.sumScaledMetrics = setup.sum_scaled_metrics;
  }
  if (setup.direction !== undefined)
    settings.direction = direction(setup.direction, at('strategy.setup.direction'));
  if (setup.n_jobs !== undefined && setup.n_jobs !== 1)
    settings.notes.push(
      `${at('strategy.setup.n_jobs')} is ignored: post-training trials run one after another in-process`,
    );
  const hardware = table(strategy.hw_runner, at('strategy.hw_runner')) ?? {};
  const bitwidth = table(hardware.average_bitwidth, at('strategy.hw_runner.average_bitwidth'));
  if (bitwidth?.compare_to !== undefined) {
    if (typeof bitwidth.compare_to !== 'number' || !(bitwidth.compare_to > 0))
      throw new ConfigError(
        `${at('strategy.hw_runner.average_bitwidth.compare_to')} must be a width > 0, as compare_to = 32`,
      );
    settings.compareTo = bitwidth.compare_to;
  }
  const software = table(strategy.sw_runner, at('strategy.sw_runner')) ?? {};
  if (table(software.basic_evaluation, at('strategy.sw_runner.basic_evaluation'))?.num_samples)
    settings.notes.push(
      `${at('strategy.sw_runner.basic_evaluation.num_samples')} is ignored: Machop.ts evaluates every row of the validation split (MASE takes that many training rows)`,
    );
  const metrics = table(strategy.metrics, at('strategy.metrics')) ?? {};
  for (const [name, value] of Object.entries(metrics)) {
    const metric = table(value, at(`strategy.metrics.${name}`)) ?? {};
    settings.metrics.push(
      metricSetting(name, metric.scale ?? 1, metric.direction, at(`strategy.metrics.${name}`)),
    );
  }
  settings.metrics.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return settings;
}

/**
 * One metric from `--metric NAME[:max|min[:SCALE]]` (or a file's table): the name must be a
 * known metric; the direction defaults to the metric's own.
 */
export function metricSetting(
  name: string,
  scale: unknown,
  given: unknown,
  where: string,
): MetricSetting {
  if (!isSearchMetric(name)) {
    const close = closestNames(name, Object.keys(SEARCH_METRICS));
    throw new ConfigError(
      `${where}: there is no metric "${name}"; ${close.length > 0 ? `did you mean ${close.map((each) => `"${each}"`).join(', ')}? ` : ''}metrics: ${Object.keys(SEARCH_METRICS).join(', ')}`,
    );
  }
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale === 0)
    throw new ConfigError(`${where}: scale must be a number other than 0, as scale = 1.0`);
  return {
    name,
    scale,
    direction: given === undefined ? SEARCH_METRICS[name].better : direction(given, where),
  };
}

/** Parses `--metric accuracy:max:1.0` (direction and scale optional). */
export function parseMetricFlag(text: string): MetricSetting {
  const [name, way, scale, ...rest] = text.split(':');
  const where = `--metric ${text}`;
  if (rest.length > 0 || name === '')
    throw new ConfigError(`${where}: write NAME[:max|min[:SCALE]], as --metric accuracy:max:1.0`);
  const directions: Record<string, 'maximize' | 'minimize'> = {
    max: 'maximize',
    maximize: 'maximize',
    min: 'minimize',
    minimize: 'minimize',
  };
  if (way !== undefined && way !== '' && !(way in directions))
    throw new ConfigError(`${where}: the direction must be max or min, not "${way}"`);
  const value = scale === undefined || scale === '' ? 1 : Number(scale);
  return metricSetting(name, value, way ? directions[way] : undefined, where);
}

function direction(value: unknown, where: string): 'maximize' | 'minimize' {
  if (value === 'maximize' || value === 'minimize') return value;
  throw new ConfigError(
    `${where}: direction = ${JSON.stringify(value)} is not valid; use "maximize" or "minimize"`,
  );
}

function table(value: unknown, where: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(`${where} must be a table, as [${where.split(': ').pop()}]`);
  return value as Record<string, unknown>;
}
