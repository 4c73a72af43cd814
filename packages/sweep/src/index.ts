/**
 * @machop/sweep: a sweep is a list of trials plus an executor. Grids, ranges, random samples and
 * seeds expand into trials (pure and deterministic); an {@link Executor} runs them (the local one
 * in worker processes); each trial is an ordinary run with its sweep membership in config.json,
 * and the sweep's table is computed from those run folders.
 *
 * @packageDocumentation
 */
export {
  parseGridFlag,
  parseValue,
  rangeValues,
  gridValues,
  tidy,
  type ParameterSpec,
  type ParameterValue,
  type Parameters,
  type Distribution,
} from './parameters.js';
export {
  planTrials,
  trialCount,
  sweepPoints,
  sweepId,
  checkParameterNames,
  abbreviation,
  defaultGoal,
  DEFAULT_METRIC,
  type SweepDefinition,
  type SweepMetric,
  type Point,
  type Trial,
} from './plan.js';
export { readSweepFile, type SweepFile } from './sweep-file.js';
export {
  toTrialError,
  type Executor,
  type ExecutorEvent,
  type ExecutorRunOptions,
  type TrialTask,
  type TrialOutcome,
  type TrialError,
  type TrialProgress,
} from './executor.js';
export { LocalExecutor, checkWorkers, type LocalExecutorOptions } from './local-executor.js';
export {
  SweepStore,
  readSweep,
  sweepDir,
  FINISHED,
  type SweepRecord,
  type TrialRecord,
  type TrialState,
} from './store.js';
export {
  computeSweepTable,
  runMetricEnds,
  sweepCsv,
  type SweepTable,
  type TableRow,
  type MetricCell,
  type SeedPick,
} from './table.js';
export { DatasetCache, type DatasetChoice } from './dataset-cache.js';
