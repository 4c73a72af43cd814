import { countGraph } from './count.js';
import { profileStatistics } from './profile.js';
import { quantizeGraph } from './quantize.js';
import { reportGraph, reportNodeMetaParam } from './report.js';
import type { Pass } from './types.js';

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
