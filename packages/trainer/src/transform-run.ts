import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import {
  CheckpointError,
  ConfigError,
  currentBackend,
  defaultCacheDir,
  getRegistry,
  initBackend,
  resolveEntryOptions,
  writeFileAtomic,
  type LayerQuant,
  type Reporter,
} from '@machop/core';
import {
  graphOf,
  layersOf,
  maseNodePrefix,
  runPasses,
  transformFiles,
  weightsByName,
  type Graph,
  type MaseConfig,
  type PassReport,
} from '@machop/graph';
import { createRunDir, readRunConfig, runPaths, RunWriter, type RunConfig } from '@machop/runs';
import { buildModel, countParameters } from './build-model.js';
import {
  loadCheckpointWeights,
  locateCheckpoint,
  readTrainerState,
  writeCheckpoint,
} from './checkpoint-io.js';
import { projectDirOf, resolveTrainOptions, type ResolvedTrainOptions } from './options.js';
import { buildRunConfig } from './run-config-file.js';
import { noLayerList, quantizedEntry } from './quantized-entry.js';
import { setModelWeights, weightsOf } from './tfjs-engine.js';

/** What {@link transform} runs. */
export interface TransformOptions {
  /** The trained run (its best checkpoint) or checkpoint folder to transform. */
  load: string;
  /** The MASE config read with `readMaseConfig`: its passes run in order. */
  config: MaseConfig;
  /** The config file's path, recorded in the new run's `transformedFrom`. */
  configFile: string;
  /** The model the checkpoint must be of; default the checkpoint's own. */
  model?: string;
  /** Folder holding projects; default `machop_output` in the working directory. */
  projectDir?: string;
  /** Project of the new run and of `software/transform/`; default the loaded run's project. */
  project?: string;
  /** Download and cache folder handed to the data set. */
  cacheDir?: string;
}

/** What {@link transform} made. */
export interface TransformResult {
  /** The new (transformed) run folder. */
  runDir: string;
  /** MASE's files under `<project>/software/transform/`, absolute paths. */
  files: string[];
  /** Each pass's info, in order. */
  reports: PassReport[];
  /** The graph after the passes. */
  graph: Graph;
  /** The per-layer quantization recorded in the new run. */
  quant: LayerQuant;
}

/**
 * MASE's `transform`: trace a trained run's model into a graph (MASE's node names), run the
 * config's passes on it with the run's weights (`profile_statistics` sees the run's training
 * split, scaled with the run's scaler), write MASE's files under
 * `<projectDir>/<project>/software/transform/`, and a new run folder whose best checkpoint holds
 * the float weights (tfjs layout) and the quantization, which `test`, `train --load` (QAT) and
 * `ch predict` build the model with. The run folder appears whole or not at all.
 */
export async function transform(
  options: TransformOptions,
  hooks: { reporter?: Reporter } = {},
): Promise<TransformResult> {
  const { checkpointDir, runDir: sourceRun } = locateCheckpoint(options.load, 'best');
  const state = await readTrainerState(checkpointDir);
  const modelName = options.model ?? state.model;
  if (modelName !== state.model)
    throw new CheckpointError(
      `checkpoint ${checkpointDir} is of model "${state.model}", not "${modelName}"; leave the model out or load a run of ${modelName}`,
    );
  const registry = getRegistry();
  const floatEntry = registry.models.get(modelName);
  if (!floatEntry.layers) throw noLayerList(modelName);
  const datasetEntry = registry.datasets.get(state.dataset);
  const modelOptions = resolveEntryOptions('model', floatEntry, state.modelOptions);
  // The graph needs only the shape: a config naming nodes it does not have fails before data loads.
  const layers = floatEntry.layers({
    features: state.features,
    classes: state.classes,
    options: modelOptions,
    seed: 0,
    quant: state.quant,
  });
  const start = graphOf(layers, state, { prefix: maseNodePrefix(modelName) });
  checkNodeNames(start, options.config);
  if (!currentBackend()) await initBackend();
  const data = await datasetEntry.load({
    options: resolveEntryOptions('dataset', datasetEntry, state.datasetOptions),
    split: state.split,
    scaler: state.scaler,
    cacheDir: options.cacheDir ?? defaultCacheDir(),
    reporter: hooks.reporter ?? { info() {} },
  });
  const shape = { features: data.features, classes: data.classes };
  const model = buildModel(quantizedEntry(floatEntry, state.quant), shape, modelOptions, 0);
  let weights: ReturnType<typeof weightsOf>;
  try {
    await loadCheckpointWeights(checkpointDir, model);
    weights = weightsOf(model);
  } finally {
    model.dispose();
  }
  const { graph, reports } = runPasses(start, options.config.passes, {
    weights: weightsByName(weights),
    x: data.train.x,
    rows: data.train.size,
  });
  const quant: LayerQuant = layersOf(graph).map((layer) =>
    'quant' in layer && layer.quant !== undefined ? layer.quant : null,
  );
  const nodes = graph.nodes.filter((node) => node.layer).map((node) => node.name);

  const project =
    options.project ?? (sourceRun ? path.basename(path.dirname(sourceRun)) : modelName);
  const projectRoot = path.join(projectDirOf(options), project);
  const source: RunConfig<ResolvedTrainOptions> | undefined =
    sourceRun && existsSync(runPaths(sourceRun).config)
      ? await readRunConfig<ResolvedTrainOptions>(sourceRun)
      : undefined;
  const quantized = quantizedEntry(floatEntry, quant);
  const runDir = await createRunDir(projectRoot, undefined, new Date(), 'transformed');
  // Filled beside the run folder, then renamed over the (empty) folder createRunDir claimed.
  const partial = path.join(
    projectRoot,
    `.${path.basename(runDir)}.${randomBytes(4).toString('hex')}.partial`,
  );
  try {
    await mkdir(partial);
    const built = buildModel(quantized, shape, modelOptions, 0);
    try {
      setModelWeights(built, weights, checkpointDir);
      const writer = RunWriter.open(partial);
      // The loaded run's own options (already resolved); a bare checkpoint's, from its state.
      const resolved =
        source?.options ??
        resolveTrainOptions({
          model: modelName,
          dataset: state.dataset,
          modelOptions,
          datasetOptions: state.datasetOptions,
          split: state.split,
        });
      const config = buildRunConfig({
        runId: path.basename(runDir),
        project,
        options: resolved,
        name: 'transformed',
        tags: ['transformed'],
        data,
        model: { plugin: floatEntry.plugin, parameters: countParameters(built), quant, nodes },
        datasetPlugin: datasetEntry.plugin,
        loadedFrom: checkpointDir,
        transformedFrom: { checkpoint: checkpointDir, config: path.resolve(options.configFile) },
        config: { settings: options.config.settings },
        sweep: undefined,
      });
      await writer.writeConfig(config);
      // Not trained, but complete: `ch runs` lists it as a finished run, not a crashed one.
      await writer.writeSummary({
        status: 'completed',
        reason: `made by ch transform from ${checkpointDir}; not trained`,
        model: modelName,
        dataset: state.dataset,
        epochs: 0,
        steps: 0,
        final: {},
        best: null,
        bestEpoch: null,
        bestStep: null,
        monitor: resolved.monitor,
        mode: resolved.mode,
        testedCheckpoint: null,
        wallTimeSeconds: 0,
        trainSeconds: 0,
        samplesPerSecond: 0,
        backend: currentBackend()?.name ?? null,
        endedAt: new Date().toISOString(),
      });
      await writeCheckpoint(
        writer.checkpoint('best'),
        built,
        {
          ...state,
          model: modelName,
          modelOptions,
          quant,
          nodes,
          position: { epoch: 0, batch: 0, globalStep: 0 },
          metricsRecords: 0,
          callbacks: {},
          savedAt: new Date().toISOString(),
        },
        { kind: state.optimizer.kind, iterations: 0, arrays: [] },
      );
    } finally {
      built.dispose();
    }
    await rename(partial, runDir);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    await rmdir(runDir).catch(() => {});
    throw error;
  }
  const files: string[] = [];
  const transformDir = path.join(projectRoot, 'software', 'transform');
  for (const file of transformFiles(reports)) {
    const target = path.join(transformDir, file.path);
    await writeFileAtomic(target, file.text);
    files.push(target);
  }
  if (quant.every((spec) => spec === null))
    hooks.reporter?.info('no layer was quantized: the transformed run is the float model');
  return { runDir, files, reports, graph, quant };
}

/** A config with no pass is refused before anything is loaded. */
export function checkPasses(config: MaseConfig, file: string): void {
  if (config.passes.length === 0)
    throw new ConfigError(
      `${file} has no [passes.*] table; add one, such as [passes.quantize] with by = "type"`,
    );
}

/**
 * A `quantize` pass `by = "name"` whose tables name a node the graph does not have is a
 * {@link ConfigError} listing the names there are: MASE would quietly quantize nothing.
 */
function checkNodeNames(graph: Graph, config: MaseConfig): void {
  const names = graph.nodes.map((node) => node.name);
  for (const step of config.passes) {
    if (step.name !== 'quantize' || step.args.by !== 'name') continue;
    for (const key of Object.keys(step.args)) {
      if (key === 'by' || key === 'report' || key === 'default' || names.includes(key)) continue;
      throw new ConfigError(
        `passes.quantize.${key}: the model has no node ${key}; its nodes are ${names.join(', ')}`,
      );
    }
  }
}
