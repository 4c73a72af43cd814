/**
 * @machop/runs: the one owner of the run-folder format. Paths and JSON shapes of a run's files,
 * a metrics.jsonl reader that follows a live run, the list of runs in a project dir, and the run
 * lock that makes one process the writer of a run. The trainer writes through it; `ch runs`,
 * `ch plot`, sweeps and the dashboard read through it.
 *
 * @packageDocumentation
 */
export { RUN_FILES, SWEEPS_DIR, runPaths, hasCheckpoint, type RunPaths } from './files.js';
export { createRunDir, checkWritable, checkRunName, MAX_RUN_NAME } from './create.js';
export {
  RunWriter,
  checkpointDir,
  runOfCheckpoint,
  readRunConfig,
  readRunSummary,
  writeTestReport,
  type CheckpointName,
} from './run-files.js';
export { metricDirection, unknownDirection, type Direction } from './direction.js';
export { requireDirection } from './require-direction.js';
export { isFolderName, FOLDER_NAME_RULE } from './folder-name.js';
export type {
  RunConfig,
  RunOptions,
  RunSummary,
  RunStatus,
  RunEndStatus,
  SweepMembership,
  TestReport,
  MetricRecord,
} from './types.js';
export { runSettings, kebabName, camelName, type SettingValue } from './settings.js';
export { readMetrics, MetricsTail, type DamagedLines } from './metrics.js';
export { listRuns, readRun, type RunInfo, type ListRunsOptions } from './list.js';
export {
  acquireRunLock,
  readRunLock,
  type RunLock,
  type LockHolder,
  type LockOptions,
  type LockState,
} from './lock.js';
export {
  smooth,
  stats,
  aggregate,
  curveEnds,
  automaticSmoothing,
  DEFAULT_SMOOTHING,
  type Curve,
  type Stats,
  type AggregateCurve,
  type CurveEnds,
  type Numbers,
  type Values,
} from './series.js';
export {
  X_AXES,
  BANDS,
  stepsPerEpoch,
  xValues,
  curveOf,
  loggedPerEpoch,
  defaultXAxis,
  repeatsCurve,
  metricLabel,
  xAxisLabel,
  type XAxis,
  type Band,
  type MetricColumns,
  type CurveOptions,
  type RepeatsCurve,
  type Repeat,
} from './curves.js';
export {
  varyingSettings,
  formatValue,
  compareValues,
  groupBySettings,
  settingsLabel,
  type Settings,
  type SettingsGroup,
} from './groups.js';
export {
  frontPoints,
  bitMetricOf,
  bestSoFarCurve,
  searchObjective,
  searchSettings,
  BIT_METRICS,
  type SearchStudy,
  type SearchTrial,
  type FrontPoint,
  type SearchSettings,
  type Objective,
} from './search-trials.js';
export { listSearches, readSearch, SEARCHES_DIR, type SearchInfo } from './searches.js';
