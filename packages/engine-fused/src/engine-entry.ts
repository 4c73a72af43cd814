import { availableParallelism } from 'node:os';
import { definePlugin, PLUGIN_API_VERSION, type EngineEntry } from '@machop/core';
import { FusedEngine } from './fused-engine.js';
import { planModel, suggestEvaluationThreads, suggestThreads, unsupportedReason } from './plan.js';

/**
 * The fused engine as a registry entry (`fused`, priority 10, so `--engine auto` takes it for
 * every model whose layer list it runs). Its own setting, threads, is resolved here: `auto` asks
 * {@link suggestThreads} for the batch size and this machine's cores, and evaluates on two
 * threads from two cores on; a number is used as given (1 or 2). It starts from the tfjs
 * model's weights, so both engines start equal.
 */
export const fusedEngineEntry: EngineEntry = {
  description:
    'forward, backward and optimizer as WebAssembly loops over Float32Arrays, on one or two threads',
  priority: 10,
  maxThreads: 2,
  unsupportedReason({ model, layers }) {
    if (!layers)
      return `model "${model.name}" (plugin ${model.plugin}) has no layer list, only a tfjs model`;
    const reason = unsupportedReason(layers);
    return reason === undefined ? undefined : `model "${model.name}": ${reason}`;
  },
  create(request) {
    const { model, features, classes, seed, optimizer, threads, evaluationOnly } = request;
    const layers = request.layers!;
    const cores = availableParallelism();
    const count =
      threads === 'auto'
        ? suggestThreads(planModel(layers, { features, classes, seed }), request.batchSize, cores)
        : threads;
    const evaluationThreads = threads === 'auto' ? suggestEvaluationThreads(cores) : threads;
    const engine = new FusedEngine({
      layers,
      features,
      classes,
      seed,
      optimizer,
      threads: evaluationOnly ? 1 : count,
      evaluationThreads,
    });
    engine.setWeights(request.weights(), `the tfjs model of ${model.name}`);
    return { engine, threads: evaluationOnly ? evaluationThreads : count, evaluationThreads };
  },
};

/**
 * The plugin that registers the fused engine, through the same API a third-party engine uses:
 * `loadPlugins([fusedEnginePlugin])`. The trainer loads it before it chooses an engine.
 */
export const fusedEnginePlugin = definePlugin({
  name: '@machop/engine-fused',
  apiVersion: PLUGIN_API_VERSION,
  setup(registry) {
    registry.engines.add('fused', fusedEngineEntry);
  },
});
