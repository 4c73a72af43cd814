import { definePlugin, PLUGIN_API_VERSION, type EngineEntry } from '@machop/core';
import { fusedEnginePlugin } from '@machop/engine-fused';
import { TfjsEngine } from './tfjs-engine.js';

/**
 * The tfjs engine as a registry entry (`tfjs`, priority 0): it trains the run's tfjs model in
 * place on the current backend, runs every model, and trains on one thread.
 */
export const tfjsEngineEntry: EngineEntry = {
  description: 'TensorFlow.js layers and autodiff on the current backend; runs every model',
  priority: 0,
  maxThreads: 1,
  unsupportedReason: () => undefined,
  create: ({ tfjsModel, optimizer }) => ({
    engine: new TfjsEngine(tfjsModel, optimizer),
    threads: 1,
    evaluationThreads: 1,
  }),
};

/** The plugin that registers the tfjs engine, through the public plugin API. */
export const tfjsEnginePlugin = definePlugin({
  name: '@machop/trainer',
  apiVersion: PLUGIN_API_VERSION,
  setup(registry) {
    registry.engines.add('tfjs', tfjsEngineEntry);
  },
});

/** The engines that ship with Machop.ts; the trainer loads them before it chooses one. */
export const BUILTIN_ENGINES = [tfjsEnginePlugin, fusedEnginePlugin] as const;
