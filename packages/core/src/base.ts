/**
 * `@machop/core/base`: the parts of core that do not load TensorFlow.js: the registry and plugin
 * API, typed errors, option helpers, atomic files and seeds. Commands that only plan or read (a
 * CLI's help, `ch list`, `ch runs`) import this entry, so they start without tfjs; `@machop/core`
 * re-exports all of it beside `tf`, the backend and model files.
 *
 * @packageDocumentation
 */
export {
  MachopError,
  ConfigError,
  PluginError,
  RegistryError,
  DatasetError,
  ModelError,
  CheckpointError,
  BackendError,
  IoError,
  LockError,
  isMachopError,
  type MachopErrorCode,
  type MachopErrorOptions,
} from './errors.js';
export {
  getRegistry,
  APP_PLUGIN,
  type Registry,
  type Collection,
  type Registered,
} from './registry.js';
export {
  definePlugin,
  loadPlugins,
  loadedPlugins,
  PLUGIN_API_VERSION,
  type Plugin,
  type PluginSpec,
  type LoadedPlugin,
} from './plugin.js';
export {
  writeFileAtomic,
  writeJsonAtomic,
  writeDirAtomic,
  recoverDirAtomic,
  type AtomicWriteOptions,
} from './fs.js';
export { defaultCacheDir } from './paths.js';
export { closestNames, unknownName } from './suggest.js';
export { resolveEntryOptions, kebabCase, camelCase } from './options.js';
export { countLayerParams, countWeights, type ParamCounts } from './layer-params.js';
export { mixSeed, createRandom, setStepSeed, stepSeed } from './random.js';
export type {
  OptimizerKind,
  OptimizerSettings,
  NamedWeight,
  OptimizerState,
  StepResult,
  TrainTotals,
  Engine,
  EngineQuery,
  EngineRequest,
  CreatedEngine,
  EngineEntry,
} from './engine.js';
export type {
  SearchValue,
  SearchParameter,
  SearchSpace,
  Assignment,
  SearchObjective,
  TrialRecord,
  ProposeRequest,
  Strategy,
  StrategyEntry,
  BuiltSearchSpace,
  SearchSpaceEntry,
} from './search.js';
export type {
  Tf,
  LayersModel,
  Task,
  DataShape,
  OptionSpec,
  OptionValues,
  Reporter,
  LayerSpec,
  FixedFormat,
  QuantSpec,
  LayerQuant,
  ModelContext,
  ModelEntry,
  Split,
  SplitOptions,
  Scaler,
  TabularDataset,
  DatasetContext,
  DatasetEntry,
} from './types.js';
