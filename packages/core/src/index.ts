/**
 * @machop/core: the registry that joins Machop.ts packages and plugins, the plugin API, the
 * choice of compute backend, shared types and typed errors.
 *
 * @packageDocumentation
 */
export * as tf from '@machop/core/tf';
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
  initBackend,
  currentBackend,
  backendNames,
  type BackendName,
  type BackendInfo,
} from './backend.js';
export { writeFileAtomic, writeJsonAtomic, writeDirAtomic, recoverDirAtomic } from './fs.js';
export { saveModel, loadModel, MODEL_JSON, WEIGHTS_BIN } from './model-io.js';
export { defaultCacheDir } from './paths.js';
export { closestNames, unknownName } from './suggest.js';
export { resolveEntryOptions, kebabCase } from './options.js';
export { countLayerParams, countWeights, type ParamCounts } from './layer-params.js';
export { mixSeed, createRandom, setStepSeed, stepSeed } from './random.js';
export type {
  Tf,
  LayersModel,
  Task,
  DataShape,
  OptionSpec,
  OptionValues,
  Reporter,
  LayerSpec,
  ModelContext,
  ModelEntry,
  Split,
  SplitOptions,
  Scaler,
  TabularDataset,
  DatasetContext,
  DatasetEntry,
} from './types.js';
