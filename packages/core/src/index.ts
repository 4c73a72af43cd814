/**
 * @machop/core: the registry that joins Machop.ts packages and plugins, the plugin API, the
 * choice of compute backend, shared types and typed errors.
 *
 * @packageDocumentation
 */
export * as tf from '@machop/core/tf';
export * from './base.js';
export {
  initBackend,
  currentBackend,
  backendNames,
  type BackendName,
  type BackendInfo,
} from './backend.js';
export { saveModel, loadModel, MODEL_JSON, WEIGHTS_BIN } from './model-io.js';
