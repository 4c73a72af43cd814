/**
 * @machop/trainer: train registered models on registered data sets, test checkpoints, and
 * write run folders that people, TensorBoard and the dashboard can read.
 *
 * @packageDocumentation
 */
export { train, type TrainHooks, type TrainResult, type TrainSummary } from './train.js';
export {
  test,
  type TestOptions,
  type TestHooks,
  type TestResult,
  type TestReport,
} from './test-run.js';
export {
  openPredictor,
  type Predictor,
  type PredictorOptions,
  type Predictions,
} from './predict-run.js';
export {
  TRAIN_DEFAULTS,
  EPOCH_METRICS,
  resolveTrainOptions,
  TRAIN_OPTIONS,
  optionFlag,
  trainOptionEntries,
  keptOnResume,
  changeableOnResume,
  splitField,
  type TrainOptionKey,
  type TrainOptionSpec,
  type TrainOptions,
  type ResolvedTrainOptions,
  type OptimizerName,
  type SchedulerName,
  type EngineChoice,
  type ThreadsChoice,
} from './options.js';
export type {
  Callback,
  TrainContext,
  BatchContext,
  EpochEndContext,
  TrainEndContext,
  TrainStatus,
} from './callbacks.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { MaxTime } from './max-time.js';
export {
  ModelCheckpoint,
  type ModelCheckpointOptions,
  type BestEpoch,
} from './model-checkpoint.js';
export { buildModel } from './build-model.js';
export { learningRateAt, COSINE_MIN_LEARNING_RATE, type ScheduleSettings } from './schedule.js';
export type { RunConfig } from './run-config-file.js';
export type { TrainerState, TrainPosition } from './checkpoint-io.js';
export type { Engine, NamedWeight, StepResult, TrainTotals } from './engine.js';
export { TfjsEngine, weightsOf, setModelWeights } from './tfjs-engine.js';
export { tfjsEngineEntry, tfjsEnginePlugin, BUILTIN_ENGINES } from './tfjs-engine-entry.js';
export {
  EventFileWriter,
  readEventFile,
  type EventFileWriterOptions,
  type EventScalar,
} from './tfevents/index.js';
export {
  transform,
  checkPasses,
  type TransformOptions,
  type TransformResult,
} from './transform-run.js';
export { quantizedEntry } from './quantized-entry.js';
