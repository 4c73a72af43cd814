/**
 * @machop/search: searches over a trained model's precisions and widths, as MASE's Labs 3 and 4
 * do: seeded strategies behind core's `Strategy` contract, and Pareto fronts over several
 * metrics. It does not load tfjs.
 *
 * @packageDocumentation
 */
export { dominates, nonDominatedFronts, paretoSet, type ObjectiveValues } from './pareto.js';
export {
  bruteForce,
  bruteForceEntry,
  countConfigurations,
  configurationAt,
} from './brute-force.js';
export { randomSearch, randomEntry } from './random-search.js';
export { checkSpace } from './space.js';
export { searchStrategiesPlugin } from './plugin.js';
export { tpe, tpeEntry, tpeOptionRules, type TpeOptions } from './tpe.js';
export { hypervolume } from './hypervolume.js';
export {
  precisionBenchmark,
  braninBenchmark,
  zdt1Benchmark,
  type Benchmark,
} from './benchmarks.js';
export { runBenchmark, bestSoFar } from './benchmark-runs.js';
export { nsga2, nsga2Entry, nsga2OptionRules } from './nsga2.js';
export { crowdingDistances } from './crowding.js';
