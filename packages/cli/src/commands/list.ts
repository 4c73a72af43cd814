import { ConfigError, loadPlugins, type Registry } from '@machop/core/base';
import type { CommandBody } from '../command.js';
import { formatTable } from '../table.js';

const KINDS = ['models', 'datasets', 'engines', 'strategies', 'passes', 'plugins'] as const;
type Kind = (typeof KINDS)[number];
type EntryKind = Exclude<Kind, 'plugins'>;

const TITLES: Record<EntryKind, string> = {
  models: 'Models',
  datasets: 'Data sets',
  engines: 'Engines',
  strategies: 'Search strategies',
  passes: 'Graph passes',
};

/** One listed entry: what every kind has, plus an engine's priority. */
interface Row {
  name: string;
  description: string;
  plugin: string;
  task?: string;
  priority?: number;
}

function rowsOf(registry: Registry, kind: EntryKind): Row[] {
  switch (kind) {
    case 'models':
    case 'datasets':
      return registry[kind].list().map(({ name, description, task, plugin }) => ({
        name,
        description,
        task,
        plugin,
      }));
    case 'engines':
      // Highest priority first: the order `--engine auto` tries them in.
      return registry.engines
        .list()
        .sort((a, b) => b.priority - a.priority)
        .map(({ name, description, plugin, priority }) => ({
          name,
          description,
          plugin,
          priority,
        }));
    case 'strategies':
    case 'passes':
      return registry[kind]
        .list()
        .map(({ name, description, plugin }) => ({ name, description, plugin }));
  }
}

/**
 * `ch list [models|datasets|engines|strategies|passes|plugins]`: what the registry holds, with the
 * plugin each entry came from.
 */
export const listCommand: CommandBody = {
  details:
    "With no kind, lists models and data sets. engines lists the compute engines --engine takes (the built-in fused and tfjs, and those plugins add), highest priority first: the order --engine auto tries them in. strategies lists the search strategies plugins and Machop.ts register. passes lists the graph passes a ch transform config's [passes.NAME] tables can run. plugins lists the loaded plugins and where each came from. Load a plugin's entries with --plugin or machop.config.json's plugins.",
  flags: [],
  async run({ io, args, registry, plugins, style, json }) {
    const [kind, ...extra] = args.positionals;
    if (extra.length > 0 || (kind !== undefined && !KINDS.includes(kind as Kind))) {
      throw new ConfigError(
        `ch list takes one of ${KINDS.join(', ')}, got "${args.positionals.join(' ')}"`,
      );
    }
    // The built-in engines come with the trainer, which loads TensorFlow.js: only when asked.
    if (kind === 'engines') {
      const { BUILTIN_ENGINES } = await import('@machop/trainer');
      await loadPlugins(BUILTIN_ENGINES);
    }
    // Likewise the built-in passes come with the graph package (and its TOML reader).
    if (kind === 'passes') await loadPlugins([(await import('@machop/graph')).graphPassesPlugin]);
    // And the built-in strategies with the search package.
    if (kind === 'strategies')
      await loadPlugins([(await import('@machop/search')).searchStrategiesPlugin]);
    const pluginRows = plugins
      .filter((plugin) => plugin.setUp)
      .map(({ name, apiVersion, source }) => ({ name, apiVersion, source }));
    const wanted: Kind[] = kind ? [kind as Kind] : ['models', 'datasets'];

    if (json) {
      const data = Object.fromEntries(
        wanted.map((which) => [which, which === 'plugins' ? pluginRows : rowsOf(registry, which)]),
      );
      io.stdout.write(JSON.stringify(kind ? data[kind] : data, null, 2) + '\n');
      return 0;
    }
    // On a terminal, lines fit its width (descriptions are cut; `ch info NAME` has them whole);
    // into a pipe or file they stay whole.
    const width = io.stdout.isTTY && io.stdout.columns ? io.stdout.columns - 1 : undefined;
    const sections = wanted.map((which) => {
      if (which === 'plugins')
        return formatTable(
          ['PLUGIN', 'API', 'SOURCE'],
          pluginRows.map((plugin) => [plugin.name, String(plugin.apiVersion), plugin.source]),
          { width },
        );
      const rows = rowsOf(registry, which);
      const table =
        which === 'engines'
          ? formatTable(
              ['NAME', 'PLUGIN', 'PRIORITY', 'DESCRIPTION'],
              rows.map((row) => [row.name, row.plugin, String(row.priority), row.description]),
              { width },
            )
          : formatTable(
              ['NAME', 'PLUGIN', 'DESCRIPTION'],
              rows.map((row) => [row.name, row.plugin, row.description]),
              { width },
            );
      const empty = rows.length === 0 ? `no ${which} registered; a plugin can add some\n` : '';
      return (kind ? '' : style.bold(TITLES[which]) + '\n') + (empty || table);
    });
    io.stdout.write(sections.join('\n'));
    return 0;
  },
};
