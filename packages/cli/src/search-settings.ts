import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '@machop/core/base';
import { readMaseConfig } from '@machop/graph';
import {
  MIXED_PRECISION_PTQ,
  parseMetricFlag,
  readSearchTables,
  type MetricSetting,
  type SearchSettings,
} from '@machop/search';
import type { ParsedArgs } from './args.js';

/** What `ch search` runs: the file's `[search]` tables with the flags laid over them. */
export interface ResolvedSearch {
  file: string | undefined;
  load: string;
  space: { name: string; config: Record<string, unknown> };
  strategy: string;
  trials: number;
  timeoutSeconds: number | undefined;
  seed: number;
  metrics: MetricSetting[];
  sum: { direction: 'maximize' | 'minimize' } | undefined;
  compareTo: number;
  project: string | undefined;
  projectDir: string;
  notes: string[];
}

/** MASE's example metrics, used when neither the file nor a flag names one. */
const DEFAULT_METRICS: MetricSetting[] = [
  { name: 'accuracy', scale: 1, direction: 'maximize' },
  { name: 'average_bitwidth', scale: 0.2, direction: 'minimize' },
];

/** Reads `--config` (if given) and the flags: defaults < the file < flags. */
export async function resolveSearch(args: ParsedArgs, cwd: string): Promise<ResolvedSearch> {
  const flag = <T>(name: string) => args.flags.get(name) as T | undefined;
  const configFlag = flag<string>('config');
  let file: string | undefined;
  let settings: Record<string, string | number> = {};
  let tables: SearchSettings = readSearchTables(undefined, '');
  const notes: string[] = [];
  if (configFlag !== undefined) {
    file = path.resolve(cwd, configFlag);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new ConfigError(
        `--config ${configFlag}: ${missing ? 'file not found' : (error as Error).message}`,
        { cause: error },
      );
    }
    const config = readMaseConfig(text, file, { tables: ['search'] });
    settings = config.settings;
    tables = readSearchTables(config.tables.search, file);
    // The transform's tables are ch transform's business; a search config often carries them.
    notes.push(...config.notes.filter((note) => !/\[passes\.|transform\./.test(note)));
    notes.push(...tables.notes);
  }
  const load = flag<string>('load') ?? (settings.load as string | undefined);
  if (load === undefined)
    throw new ConfigError(
      'ch search needs a trained run: pass --load RUN (a run folder from ch train), or set load_name in the config',
    );
  if (settings['load-type'] !== undefined && settings['load-type'] !== 'mz')
    throw new ConfigError(
      `${file}: load_type = "${settings['load-type']}" names a PyTorch checkpoint; load a Machop.ts run (load_type = "mz" or leave it out)`,
    );
  const metricFlags = flag<string[]>('metric') ?? [];
  const metrics =
    metricFlags.length > 0
      ? metricFlags.map(parseMetricFlag).sort((a, b) => (a.name < b.name ? -1 : 1))
      : tables.metrics.length > 0
        ? tables.metrics
        : DEFAULT_METRICS;
  const names = metrics.map((metric) => metric.name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined)
    throw new ConfigError(`metric ${twice} is given twice; give each metric once`);
  const sumFlag = flag<boolean>('sum-scaled-metrics');
  const summed = sumFlag ?? tables.sumScaledMetrics;
  const direction = flag<'maximize' | 'minimize'>('direction') ?? tables.direction;
  if (summed && direction === undefined)
    throw new ConfigError(
      'summing the scaled metrics needs a direction: set direction = "maximize" in [search.strategy.setup], or --direction maximize',
    );
  const timeout = flag<number>('timeout') ?? tables.timeoutSeconds;
  if (!tables.space)
    throw new ConfigError(
      `ch search needs a search space: give --config FILE with a [search.search_space] table, as MASE's configs/examples/jsc_toy_by_type.toml has (name = "${MIXED_PRECISION_PTQ}", setup.by, seed.*)`,
    );
  return {
    file,
    load: path.resolve(cwd, load),
    space: tables.space,
    strategy: flag<string>('strategy') ?? tables.strategy ?? 'tpe',
    trials: flag<number>('trials') ?? tables.trials ?? 100,
    timeoutSeconds: timeout,
    seed: flag<number>('seed') ?? (settings.seed as number | undefined) ?? 0,
    metrics,
    sum: summed ? { direction: direction! } : undefined,
    compareTo: tables.compareTo,
    project: flag<string>('project') ?? (settings.project as string | undefined),
    projectDir: path.resolve(
      cwd,
      flag<string>('project-dir') ??
        (settings['project-dir'] as string | undefined) ??
        'machop_output',
    ),
    notes,
  };
}

/**
 * The settings that decide a search's trials, and its id: the strategy, the seed and a hash of
 * them all. The number of trials and the timeout are left out, so the same command with more
 * trials goes on with the same search.
 */
export function searchIdentity(
  search: ResolvedSearch,
  checkpointDir: string,
): { id: string; fingerprint: Record<string, unknown> } {
  const fingerprint = {
    checkpoint: checkpointDir,
    space: search.space,
    strategy: search.strategy,
    seed: search.seed,
    metrics: search.metrics,
    sum: search.sum ?? null,
    compareTo: search.compareTo,
  };
  const hash = createHash('sha256').update(JSON.stringify(fingerprint)).digest('hex').slice(0, 8);
  return { id: `${search.strategy}-seed${search.seed}-${hash}`, fingerprint };
}
