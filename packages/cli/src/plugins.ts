import path from 'node:path';
import { loadPlugins, type LoadedPlugin, type PluginSpec } from '@machop/core/base';
import datasets from '@machop/datasets';
import models from '@machop/models';
import { loadProjectConfig } from './project-config.js';

/** The plugins that ship with Machop.ts, loaded through the same API as any other. */
export const BUILTIN_PLUGINS: readonly PluginSpec[] = [datasets, models];

/**
 * Load the built-in plugins, then those of the project config file (paths relative to it), then
 * those given with `--plugin` (paths relative to the working folder). Nothing is discovered in
 * node_modules.
 */
export async function loadAllPlugins(
  cwd: string,
  flagPlugins: readonly string[],
): Promise<LoadedPlugin[]> {
  const { config, file } = await loadProjectConfig(cwd);
  const loaded = (await loadPlugins(BUILTIN_PLUGINS, { cwd })).map((plugin) => ({
    ...plugin,
    source: 'built-in',
  }));
  if (config.plugins?.length)
    loaded.push(...(await loadPlugins(config.plugins, { cwd: file ? path.dirname(file) : cwd })));
  if (flagPlugins.length) loaded.push(...(await loadPlugins(flagPlugins, { cwd })));
  return loaded;
}
