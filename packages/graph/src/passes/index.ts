import { definePlugin, getRegistry, PLUGIN_API_VERSION, type PassEntry } from '@machop/core/base';
import type { Graph } from '../graph.js';
import { countGraph } from './count.js';
import { profileStatistics } from './profile.js';
import { quantizeGraph } from './quantize.js';
import { reportGraph, reportNodeMetaParam } from './report.js';
import type { Pass } from './types.js';

/** A registry pass entry over this package's {@link Graph}: what a plugin adds to `registry.passes`. */
export type GraphPassEntry = PassEntry<Graph>;

/**
 * The passes a `[passes.NAME]` table can name, under MASE's names (`count` is ours). Each is a
 * plain function `(graph, args) => { graph, info }`, usable from code as well.
 */
export const PASSES: Readonly<Record<string, Pass<never>>> = {
  report_graph: reportGraph,
  report_node_meta_param: reportNodeMetaParam,
  profile_statistics: profileStatistics,
  quantize: quantizeGraph,
  count: countGraph,
};

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  report_graph: "MASE's report_graph: the node table and how many nodes of each op",
  report_node_meta_param: "every node argument's shape, precision, weight name and statistics",
  profile_statistics: 'min, max, mean, variance and quantile range of weights and activations',
  quantize: "MASE's integer/fixed quantization by type, name or regex_name, with its CSVs",
  count: 'parameters, MACs, BitOPs and memory in bits, at the current precision',
};

/** The built-in passes as registry entries (`profile_statistics` is handed weights and rows). */
export const BUILT_IN_PASSES: Readonly<Record<string, GraphPassEntry>> = Object.fromEntries(
  Object.entries(PASSES).map(([name, pass]) => [
    name,
    {
      description: DESCRIPTIONS[name],
      run: pass,
      ...(name === 'profile_statistics' ? { data: true } : {}),
    },
  ]),
);

/**
 * The plugin that registers the built-in passes in `registry.passes`, through the same API a
 * plugin's pass uses. `ch transform` loads it before it reads a config.
 */
export const graphPassesPlugin = definePlugin({
  name: '@machop/graph',
  apiVersion: PLUGIN_API_VERSION,
  setup(registry) {
    for (const [name, entry] of Object.entries(BUILT_IN_PASSES)) registry.passes.add(name, entry);
  },
});

/**
 * Every pass a config can name: the built-in ones, and those plugins registered in
 * `registry.passes` (under their registered names), by name.
 */
export function availablePasses(): Map<string, GraphPassEntry> {
  const passes = new Map(Object.entries(BUILT_IN_PASSES));
  for (const entry of getRegistry().passes.list())
    passes.set(entry.name, entry as unknown as GraphPassEntry);
  return passes;
}
