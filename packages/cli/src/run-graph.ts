import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CheckpointError,
  ConfigError,
  ModelError,
  resolveEntryOptions,
  type LayerQuant,
  type OptionValues,
  type Registry,
  type Scaler,
  type SplitOptions,
} from '@machop/core/base';
import {
  graphOf,
  integerPlan,
  IntegerPlanError,
  maseNodePrefix,
  type Graph,
  type IntegerPlan,
} from '@machop/graph/integer';
import { checkpointDir, readRun, runOfCheckpoint, runPaths } from '@machop/runs';

/** The fields of a checkpoint's trainer-state.json that the graph of its model needs. */
interface CheckpointRecord {
  model: string;
  modelOptions: OptionValues;
  quant?: LayerQuant;
  dataset: string;
  datasetOptions: OptionValues;
  features: number;
  classes: number;
  featureNames?: string[];
  classNames?: string[];
  split: SplitOptions;
  scaler: Scaler;
}

/** A trained run's model as a graph with its weights, read without TensorFlow.js. */
export interface RunGraph {
  checkpointDir: string;
  runDir: string | undefined;
  record: CheckpointRecord;
  graph: Graph;
  weights: Map<string, Float32Array>;
  featureNames: string[];
  classNames: string[];
}

/** The checkpoint a `--load` path names: a run's best (else last), or a checkpoint folder. */
function locate(load: string): { checkpoint: string; runDir: string | undefined } {
  if (existsSync(runPaths(load).checkpoints))
    for (const name of ['best', 'last'] as const) {
      const dir = checkpointDir(load, name);
      if (existsSync(dir)) return { checkpoint: dir, runDir: load };
    }
  if (existsSync(path.join(load, 'model.json')))
    return { checkpoint: load, runDir: runOfCheckpoint(load) };
  throw new ConfigError(
    `--load ${load}: no checkpoint there; pass a run folder made by ch train or ch transform, or its checkpoints/best`,
  );
}

async function readJson<T>(file: string): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    throw new CheckpointError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'not valid JSON'}; use another checkpoint`,
      { cause: error },
    );
  }
}

/** A tfjs layers checkpoint's float32 weights by name, read from model.json's manifest. */
async function readWeights(dir: string): Promise<Map<string, Float32Array>> {
  const manifest = (
    await readJson<{ weightsManifest?: { paths: string[]; weights: WeightSpec[] }[] }>(
      path.join(dir, 'model.json'),
    )
  ).weightsManifest;
  if (!Array.isArray(manifest))
    throw new CheckpointError(`${dir}/model.json has no weightsManifest; it is not a checkpoint`);
  const weights = new Map<string, Float32Array>();
  for (const group of manifest) {
    const buffers = await Promise.all(group.paths.map((file) => readFile(path.join(dir, file))));
    const bytes = Buffer.concat(buffers);
    let offset = 0;
    for (const spec of group.weights) {
      const count = spec.shape.reduce((product, size) => product * size, 1);
      if ((spec.dtype ?? 'float32') !== 'float32' || offset + count * 4 > bytes.length)
        throw new CheckpointError(
          `checkpoint ${dir}: weight ${spec.name} is not ${count} float32 values; the checkpoint is damaged`,
        );
      const values = new Float32Array(count);
      for (let index = 0; index < count; index++)
        values[index] = bytes.readFloatLE(offset + index * 4);
      weights.set(spec.name, values);
      offset += count * 4;
    }
  }
  return weights;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype?: string;
}

/**
 * The graph (with each layer's quantization) and weights of the run or checkpoint `load`, read
 * from its files without TensorFlow.js, as `ch transform` builds it (MASE's node names).
 */
export async function readRunGraph(load: string, registry: Registry): Promise<RunGraph> {
  const { checkpoint, runDir } = locate(path.resolve(load));
  const record = await readJson<CheckpointRecord>(path.join(checkpoint, 'trainer-state.json'));
  const entry = registry.models.get(record.model);
  if (!entry.layers)
    throw new ModelError(
      `model ${record.model} has no layer list; hardware needs a sequential model (one made with sequentialEntry)`,
    );
  const layers = entry.layers({
    features: record.features,
    classes: record.classes,
    options: resolveEntryOptions('model', entry, record.modelOptions),
    seed: 0,
    quant: record.quant,
  });
  const graph = graphOf(layers, record, { prefix: maseNodePrefix(record.model) });
  const dataset = runDir === undefined ? undefined : (await readRun(runDir))?.config.dataset;
  const featureNames = record.featureNames ?? dataset?.featureNames;
  const classNames = record.classNames ?? dataset?.classNames;
  if (!Array.isArray(featureNames) || !Array.isArray(classNames))
    throw new CheckpointError(
      `checkpoint ${checkpoint} records no feature and class names; pass the run folder it was trained in`,
    );
  return {
    checkpointDir: checkpoint,
    runDir,
    record,
    graph,
    weights: await readWeights(checkpoint),
    featureNames,
    classNames,
  };
}

/**
 * The integer plan of a run: a float run is told to run `ch transform` first, a node without
 * integer hardware is named; both as one-line {@link ConfigError}s.
 */
export function runPlan(run: RunGraph, flag = '--load'): IntegerPlan {
  const where = run.runDir ?? run.checkpointDir;
  if (!run.record.quant?.some((quant) => quant !== null))
    throw new ConfigError(
      `${flag} ${where} is a float run; quantize it first: ch transform --config FILE --load ${where}`,
    );
  try {
    return integerPlan(run.graph, run.weights);
  } catch (error) {
    if (error instanceof IntegerPlanError)
      throw new ConfigError(`${flag} ${where}: ${error.message}`, { cause: error });
    throw error;
  }
}
