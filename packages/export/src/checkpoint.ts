import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CheckpointError,
  type LayerQuant,
  type OptionValues,
  type Scaler,
} from '@machop/core/base';

/** What an export needs of a checkpoint's `trainer-state.json`. */
export interface CheckpointRecord {
  model: string;
  modelOptions: OptionValues;
  /** A transformed run's per-layer quantization; absent for a float model. */
  quant?: LayerQuant;
  features: number;
  classes: number;
  featureNames?: string[];
  classNames?: string[];
  scaler: Scaler;
}

/** A checkpoint read without TensorFlow.js: its record and its weights by tfjs name. */
export interface ExportCheckpoint extends CheckpointRecord {
  weights: Map<string, Float32Array>;
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CheckpointError(
      `${path.dirname(file)} is not a Machop.ts checkpoint: ${path.basename(file)} is missing; pass a run folder or one of its checkpoints/best, checkpoints/last`,
      { cause: error },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(`${what} ${file} is corrupt: not valid JSON; train the run again`, {
      cause: error,
    });
  }
}

interface ManifestGroup {
  paths: string[];
  weights: { name: string; shape: number[]; dtype: string }[];
}

/**
 * Read a checkpoint folder (tfjs layout: model.json + weights.bin, and trainer-state.json) with
 * plain file reads, so exporting never loads TensorFlow.js.
 */
export async function readExportCheckpoint(dir: string): Promise<ExportCheckpoint> {
  const state = (await readJson(path.join(dir, 'trainer-state.json'), 'checkpoint')) as
    (CheckpointRecord & { format?: string }) | null;
  if (state?.format !== 'machop-trainer-state' || typeof state.model !== 'string')
    throw new CheckpointError(
      `checkpoint ${dir}/trainer-state.json is corrupt or from another tool: no machop-trainer-state record`,
    );
  const json = (await readJson(path.join(dir, 'model.json'), 'checkpoint')) as {
    weightsManifest?: ManifestGroup[];
  } | null;
  if (!Array.isArray(json?.weightsManifest))
    throw new CheckpointError(
      `checkpoint ${dir}/model.json has no weightsManifest; train the run again`,
    );
  const weights = new Map<string, Float32Array>();
  for (const group of json.weightsManifest) {
    const parts = await Promise.all(
      group.paths.map((file) =>
        readFile(path.join(dir, file)).catch((error: unknown) => {
          throw new CheckpointError(`checkpoint ${dir}: cannot read ${file}; train the run again`, {
            cause: error,
          });
        }),
      ),
    );
    const bytes = Buffer.concat(parts);
    let offset = 0;
    for (const spec of group.weights) {
      const size = spec.shape.reduce((product, dim) => product * dim, 1);
      if (spec.dtype !== 'float32' || offset + size * 4 > bytes.byteLength)
        throw new CheckpointError(
          `checkpoint ${dir}: weight ${spec.name} is not float32 or its file is too short; train the run again`,
        );
      // A copy, aligned for Float32Array whatever the buffer's offset.
      weights.set(
        spec.name,
        new Float32Array(
          bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + size * 4),
        ),
      );
      offset += size * 4;
    }
  }
  return { ...state, weights };
}
