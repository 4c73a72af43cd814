import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError } from '@machop/core/base';

interface Manifest {
  weightsManifest?: {
    paths: string[];
    weights: { name: string; shape: number[]; dtype: string }[];
  }[];
}

/**
 * A checkpoint's weights by name, read from its tfjs files (`model.json`'s weights manifest and
 * `weights.bin`) without loading tfjs: a post-training search evaluates the graph's golden model
 * on them, so it starts and runs in plain JavaScript.
 */
export async function readCheckpointWeights(dir: string): Promise<Map<string, Float32Array>> {
  const file = path.join(dir, 'model.json');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(file, 'utf8')) as Manifest;
  } catch (error) {
    throw new CheckpointError(
      `cannot read ${file}: ${(error as Error).message}; use another checkpoint (checkpoints/best or checkpoints/last)`,
      { cause: error },
    );
  }
  const weights = new Map<string, Float32Array>();
  for (const group of manifest.weightsManifest ?? []) {
    const buffers = await Promise.all(group.paths.map((part) => readFile(path.join(dir, part))));
    const bytes = Buffer.concat(buffers);
    let offset = 0;
    for (const { name, shape, dtype } of group.weights) {
      const size = shape.reduce((product, dimension) => product * dimension, 1);
      if (dtype !== 'float32' || offset + size * 4 > bytes.byteLength)
        throw new CheckpointError(
          `checkpoint ${dir} is corrupt: weight ${name} (${dtype}, ${size} values) does not fit its files; use another checkpoint`,
        );
      const values = new Float32Array(size);
      for (let index = 0; index < size; index++)
        values[index] = bytes.readFloatLE(offset + index * 4);
      weights.set(name, values);
      offset += size * 4;
    }
  }
  return weights;
}
