import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadModel, saveModel, tf } from './index.js';

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = await mkdtemp(path.join(os.tmpdir(), 'machop-io-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function smallModel(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [3],
        units: 2,
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
    ],
  });
}

describe('saveModel / loadModel', () => {
  it('writes the tfjs layers layout that tfjs itself can read back', async () => {
    const target = path.join(dir, 'plain');
    await saveModel(smallModel(), target, { 'note.txt': 'hello' });
    const json = JSON.parse(await readFile(path.join(target, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
    expect((await readFile(path.join(target, 'weights.bin'))).byteLength).toBe((3 * 2 + 2) * 4);
    expect(await readFile(path.join(target, 'note.txt'), 'utf8')).toBe('hello');
  });

  it('names the file and the fault for a missing or corrupt checkpoint', async () => {
    await expect(loadModel(path.join(dir, 'absent'))).rejects.toThrowError(
      `cannot read checkpoint ${path.join(dir, 'absent', 'model.json')}: file not found`,
    );
    const target = path.join(dir, 'corrupt');
    await saveModel(smallModel(), target);
    const weights = await readFile(path.join(target, 'weights.bin'));
    await writeFile(path.join(target, 'weights.bin'), weights.subarray(0, 10));
    await expect(loadModel(target)).rejects.toThrowError(
      `checkpoint ${target} is corrupt: weights hold 10 bytes but model.json describes 32`,
    );
    await writeFile(path.join(target, 'model.json'), '{"modelTopology":');
    await expect(loadModel(target)).rejects.toThrowError(/not valid JSON/);
  });
});

describe('weights that are not finite', () => {
  async function poisoned(name: string): Promise<string> {
    const target = path.join(dir, name);
    await saveModel(smallModel(), target);
    const file = path.join(target, 'weights.bin');
    const bytes = await readFile(file);
    const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    values[6] = Number.NaN; // the first bias
    await writeFile(file, bytes);
    return target;
  }

  it('are refused on load, naming the weight; a best checkpoint is damaged, not diverged', async () => {
    const best = await poisoned(path.join('run', 'checkpoints', 'best'));
    await expect(loadModel(best)).rejects.toThrowError(
      /^checkpoint .+best holds a non-finite weight \(NaN in dense_Dense\d+\/bias\): the file was damaged after it was written; load another checkpoint or train the model again$/,
    );
  });

  it("in a last checkpoint, point to the run's best one", async () => {
    const last = await poisoned(path.join('run', 'checkpoints', 'last'));
    await expect(loadModel(last)).rejects.toThrowError(
      `holds a non-finite weight (NaN in ${'dense_Dense'}`,
    );
    await expect(loadModel(last)).rejects.toThrowError(
      `: the run diverged; load its best checkpoint instead (${path.join(dir, 'run', 'checkpoints', 'best')})`,
    );
  });
});
