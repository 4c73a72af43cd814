import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CheckpointError,
  getRegistry,
  resolveEntryOptions,
  type LayerQuant,
  type OptionValues,
  type Reporter,
  type Scaler,
  type SplitOptions,
  type TabularDataset,
} from '@machop/core/base';
import { graphOf, maseNodePrefix, type Graph } from '@machop/graph';
import { checkpointDir as checkpointFolder, runOfCheckpoint, runPaths } from '@machop/runs';
import { readCheckpointWeights } from './checkpoint-weights.js';

/** The fields of a checkpoint's `trainer-state.json` a search reads. */
interface CheckpointRecord {
  format: string;
  model: string;
  dataset: string;
  modelOptions?: OptionValues;
  datasetOptions?: OptionValues;
  split: SplitOptions;
  scaler: Scaler;
  features: number;
  classes: number;
  quant?: LayerQuant;
}

/** A trained run, loaded for a search: its model as a graph, its weights and its data. */
export interface LoadedRun {
  checkpointDir: string;
  /** The run folder around the checkpoint, when there is one. */
  runDir: string | undefined;
  model: string;
  dataset: string;
  graph: Graph;
  weights: Map<string, Float32Array>;
  data: TabularDataset;
}

/** The checkpoint a `--load` path means: a run's best (else last), or a checkpoint folder. */
export function findCheckpoint(load: string): {
  checkpointDir: string;
  runDir: string | undefined;
} {
  const target = path.resolve(load);
  if (existsSync(runPaths(target).checkpoints)) {
    for (const name of ['best', 'last'] as const) {
      const dir = checkpointFolder(target, name);
      if (existsSync(dir)) return { checkpointDir: dir, runDir: target };
    }
    throw new CheckpointError(
      `run ${target} has no checkpoint yet; train it with ch train until it saves one`,
    );
  }
  if (existsSync(path.join(target, 'trainer-state.json')))
    return { checkpointDir: target, runDir: runOfCheckpoint(target) };
  throw new CheckpointError(
    `cannot load ${target}: ${existsSync(target) ? 'it holds neither checkpoints/ nor trainer-state.json' : 'no such folder'}; pass a run folder from ch train or ch transform`,
  );
}

/**
 * Loads what a post-training search needs from a trained (or transformed) run, without tfjs:
 * the model's graph named as MASE names it (with the run's own quantization, if it was
 * transformed), the checkpoint's weights, and the run's data set split and scaled as in training.
 */
export async function loadRun(
  load: string,
  options: { cacheDir: string; reporter?: Reporter },
): Promise<LoadedRun> {
  const { checkpointDir, runDir } = findCheckpoint(load);
  const file = path.join(checkpointDir, 'trainer-state.json');
  let state: CheckpointRecord;
  try {
    state = JSON.parse(await readFile(file, 'utf8')) as CheckpointRecord;
  } catch (error) {
    throw new CheckpointError(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (state.format !== 'machop-trainer-state')
    throw new CheckpointError(`${file} is not a Machop.ts checkpoint record`);
  const registry = getRegistry();
  const modelEntry = registry.models.get(state.model);
  if (!modelEntry.layers)
    throw new CheckpointError(
      `model "${state.model}" has no layer list, so it has no graph to search over; use a model built with sequentialEntry`,
    );
  const datasetEntry = registry.datasets.get(state.dataset);
  const layers = modelEntry.layers({
    features: state.features,
    classes: state.classes,
    options: resolveEntryOptions('model', modelEntry, state.modelOptions ?? {}),
    seed: 0,
    quant: state.quant,
  });
  const graph = graphOf(layers, state, { prefix: maseNodePrefix(state.model) });
  const weights = await readCheckpointWeights(checkpointDir);
  const data = await datasetEntry.load({
    options: resolveEntryOptions('dataset', datasetEntry, state.datasetOptions ?? {}),
    split: state.split,
    scaler: state.scaler,
    cacheDir: options.cacheDir,
    reporter: options.reporter ?? { info() {} },
  });
  return {
    checkpointDir,
    runDir,
    model: state.model,
    dataset: state.dataset,
    graph,
    weights,
    data,
  };
}
