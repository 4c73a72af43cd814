import { ConfigError } from '@machop/core/base';
import type { CommandBody } from '../command.js';
import { formatTable } from '../table.js';

const KINDS = ['models', 'datasets', 'plugins'] as const;
type Kind = (typeof KINDS)[number];

/** `ch list [models|datasets|plugins]`: what the registry holds, with the plugin each entry came from. */
export const listCommand: CommandBody = {
  flags: [],
  run({ io, args, registry, plugins, style, json }) {
    const [kind, ...extra] = args.positionals;
    if (extra.length > 0 || (kind !== undefined && !KINDS.includes(kind as Kind))) {
      throw new ConfigError(
        `ch list takes one of ${KINDS.join(', ')}, got "${args.positionals.join(' ')}"`,
      );
    }
    const entries = (which: 'models' | 'datasets') =>
      registry[which].list().map((entry) => ({
        name: entry.name,
        description: entry.description,
        task: entry.task,
        plugin: entry.plugin,
      }));
    const pluginRows = plugins
      .filter((plugin) => plugin.setUp)
      .map(({ name, apiVersion, source }) => ({ name, apiVersion, source }));
    const wanted: Kind[] = kind ? [kind as Kind] : ['models', 'datasets'];

    if (json) {
      const data = Object.fromEntries(
        wanted.map((which) => [which, which === 'plugins' ? pluginRows : entries(which)]),
      );
      io.stdout.write(JSON.stringify(kind ? data[kind] : data, null, 2) + '\n');
      return Promise.resolve(0);
    }
    // On a terminal, lines fit its width (descriptions are cut; `ch info NAME` has them whole);
    // into a pipe or file they stay whole.
    const width = io.stdout.isTTY && io.stdout.columns ? io.stdout.columns - 1 : undefined;
    const sections = wanted.map((which) => {
      const table =
        which === 'plugins'
          ? formatTable(
              ['PLUGIN', 'API', 'SOURCE'],
              pluginRows.map((plugin) => [plugin.name, String(plugin.apiVersion), plugin.source]),
              { width },
            )
          : formatTable(
              ['NAME', 'PLUGIN', 'DESCRIPTION'],
              entries(which).map((entry) => [entry.name, entry.plugin, entry.description]),
              { width },
            );
      return (kind ? '' : style.bold(which === 'models' ? 'Models' : 'Data sets') + '\n') + table;
    });
    io.stdout.write(sections.join('\n'));
    return Promise.resolve(0);
  },
};
