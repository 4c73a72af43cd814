import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@machop/core/base';
import { readRun, runPaths, type RunInfo } from '@machop/runs';

/** A plugin a run was trained with, as config.json records it. */
export interface RecordedPlugin {
  name: string;
  /** The package name or absolute file path it was loaded from. */
  source: string;
}

/**
 * The run a `--load` or `--resume` path belongs to: the run folder itself, or the run holding a
 * checkpoint folder (`<run>/checkpoints/best`). Undefined for a checkpoint outside any run.
 */
export async function runOf(target: string): Promise<RunInfo | undefined> {
  const absolute = path.resolve(target);
  for (const candidate of [absolute, path.dirname(path.dirname(absolute))]) {
    if (existsSync(runPaths(candidate).config)) return readRun(candidate);
  }
  return undefined;
}

/** The model and data set a run was trained on, so `--resume RUN` and `--load RUN` need no other words. */
export async function savedEntries(
  flag: '--resume' | '--load',
  target: string,
): Promise<{ model: string; dataset: string } | undefined> {
  const absolute = path.resolve(target);
  if (!existsSync(absolute))
    throw new ConfigError(
      `${flag} ${absolute}: no such file or folder; pass a run folder made by ch train${flag === '--load' ? ', or a checkpoint folder such as <run>/checkpoints/best' : ''}`,
    );
  const run = await runOf(absolute);
  if (run) return { model: run.config.model.name, dataset: run.config.dataset.name };
  if (existsSync(runPaths(absolute).config))
    throw new ConfigError(
      `${flag} ${absolute}: its config.json is damaged or not a Machop.ts run; pass a run folder made by ch train`,
    );
  if (flag === '--resume')
    throw new ConfigError(
      `--resume ${absolute}: not a run folder (no config.json); pass a run folder made by ch train`,
    );
  return undefined;
}

/** The plugins a run recorded in config.json (none for runs of built-in models and data sets). */
export function recordedPlugins(run: RunInfo | undefined): RecordedPlugin[] {
  const plugins = (run?.config.config as { plugins?: unknown } | null | undefined)?.plugins;
  return Array.isArray(plugins)
    ? plugins.filter(
        (plugin): plugin is RecordedPlugin =>
          typeof (plugin as RecordedPlugin)?.source === 'string' &&
          typeof (plugin as RecordedPlugin)?.name === 'string',
      )
    : [];
}
