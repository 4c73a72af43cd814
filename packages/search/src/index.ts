/**
 * @machop/search: searches over a trained model's precisions and widths, as MASE's Labs 3 and 4
 * do: seeded strategies behind core's `Strategy` contract, and Pareto fronts over several
 * metrics; the runner of a search (MASE's search spaces and `[search]` tables, a study saved after
 * every trial, MASE's log.json and best.json). Importing it loads no tfjs; post-training trials
 * load the fused engine on first use.
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
export {
  runStudy,
  readStudy,
  STUDY_FILE,
  type StudyOptions,
  type StudyState,
  type StudyTrial,
  type StudyEnd,
} from './study.js';
export {
  readSearchTables,
  parseMetricFlag,
  metricSetting,
  type MetricSetting,
  type SearchSettings,
} from './config.js';
export {
  SEARCH_METRICS,
  isSearchMetric,
  type SearchMetricName,
  type TrialMetrics,
} from './metrics/names.js';
export { classificationMetrics } from './metrics/classification.js';
export { costMetrics, type CostMetrics } from './metrics/cost.js';
export { objectivesOf, scoreTrial, type Scoring } from './metrics/objectives.js';
export {
  bestTrials,
  logJson,
  bestJson,
  trialsCsv,
  writeSearchOutputs,
  SEARCH_FILES,
} from './outputs.js';
export { evaluateGraph, goldenLogits, fusedLogits, type LogitsOf } from './evaluate.js';
export { readCheckpointWeights } from './checkpoint-weights.js';
export { loadRun, findCheckpoint, type LoadedRun } from './loaded-run.js';
export { mixedPrecisionSpace, type SampledQuantizeConfig } from './spaces/mixed-precision.js';
export { searchSpacesPlugin, MIXED_PRECISION_PTQ } from './spaces/plugin.js';
