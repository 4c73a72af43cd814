import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError } from './errors.js';
import { writeDirAtomic, writeFileAtomic, writeJsonAtomic, type AtomicWriteOptions } from './fs.js';
import * as tf from '@machop/core/tf';

/**
 * Why a checkpoint with a non-finite weight cannot be loaded, and what to load instead. A run's
 * best checkpoint only ever holds the weights of a finite monitored value, so one found there
 * (or in a checkpoint outside a run) was damaged after it was written; a last checkpoint may
 * hold a diverged run's weights, and the run's best one keeps its last good weights.
 */
function nonFiniteMessage(dir: string, where: string): string {
  const advice =
    path.basename(dir) === 'last'
      ? `the run diverged; load its best checkpoint instead (${path.join(path.dirname(dir), 'best')})`
      : 'the file was damaged after it was written; load another checkpoint or train the model again';
  return `checkpoint ${dir} holds a non-finite weight (${where}): ${advice}`;
}

/** File names of the tfjs layers-model layout, as `tf.io` writes them. */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

function joinWeights(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
}

/**
 * Save a model in the tfjs layers layout (`model.json` + `weights.bin`, loadable by
 * `tf.loadLayersModel`) using Node's fs, so no `@tensorflow/tfjs-node` is needed. The folder is
 * replaced atomically; `extraFiles` (name to content) are written into it too. With
 * `createParents: false` a missing parent folder fails the save instead of being made again.
 */
export async function saveModel(
  model: tf.LayersModel,
  dir: string,
  extraFiles: Record<string, string | Uint8Array> = {},
  options: AtomicWriteOptions = {},
): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler((saved) => {
      artifacts = saved;
      return Promise.resolve({
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' },
      });
    }),
  );
  if (!artifacts) throw new CheckpointError(`saving the model to ${dir} produced no artifacts`);
  const weights = joinWeights(artifacts.weightData);
  const modelJson = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
  };
  await writeDirAtomic(
    dir,
    async (temp) => {
      await writeFileAtomic(path.join(temp, WEIGHTS_BIN), new Uint8Array(weights));
      await writeJsonAtomic(path.join(temp, MODEL_JSON), modelJson);
      for (const [name, content] of Object.entries(extraFiles))
        await writeFileAtomic(path.join(temp, name), content);
    },
    options,
  );
}

/** Refuse weights that are NaN or infinite: such a model would only ever predict garbage. */
function checkFinite(
  dir: string,
  specs: readonly tf.io.WeightsManifestEntry[],
  data: ArrayBuffer,
  bytesPerValue: Record<string, number>,
): void {
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype === 'float32' || spec.dtype === undefined) {
      const bytes = offset % 4 === 0 ? data : data.slice(offset, offset + count * 4);
      const values = new Float32Array(bytes, offset % 4 === 0 ? offset : 0, count);
      const bad = values.findIndex((value) => !Number.isFinite(value));
      if (bad >= 0)
        throw new CheckpointError(nonFiniteMessage(dir, `${values[bad]} in ${spec.name}`));
    }
    offset += count * (bytesPerValue[spec.dtype ?? 'float32'] ?? 4);
  }
}

/**
 * Load a model saved by {@link saveModel} (or by tfjs' own `model.save('file://...')`). Throws
 * {@link CheckpointError} naming the file for a missing, truncated or corrupt checkpoint.
 */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const jsonPath = path.join(dir, MODEL_JSON);
  let json: {
    modelTopology?: unknown;
    weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8')) as typeof json;
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'not valid JSON';
    throw new CheckpointError(
      `cannot read checkpoint ${jsonPath}: ${reason}; pass a folder holding model.json and weights.bin`,
      { cause: error },
    );
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new CheckpointError(
      `checkpoint ${jsonPath} is not a tfjs layers model (no modelTopology or weightsManifest)`,
    );
  }
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const file of group.paths) {
      const weightsPath = path.join(dir, file);
      try {
        const bytes = await readFile(weightsPath);
        buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      } catch (error) {
        throw new CheckpointError(
          `cannot read checkpoint weights ${weightsPath}: file not found or unreadable`,
          { cause: error },
        );
      }
    }
  }
  const bytesPerValue: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1 };
  const expected = weightSpecs.reduce(
    (sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * (bytesPerValue[spec.dtype] ?? 4),
    0,
  );
  const weightData = tf.io.concatenateArrayBuffers(buffers);
  if (weightData.byteLength !== expected) {
    throw new CheckpointError(
      `checkpoint ${dir} is corrupt: weights hold ${weightData.byteLength} bytes but model.json describes ${expected}`,
    );
  }
  checkFinite(dir, weightSpecs, weightData, bytesPerValue);
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }),
    );
  } catch (error) {
    throw new CheckpointError(
      `checkpoint ${jsonPath} could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
