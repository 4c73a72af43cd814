// Whole runs on both engines: the same seed gives the same run, whichever engine trains it.
import { rm } from 'node:fs/promises';
import { loadPlugins } from '@machop/core';
import modelsPlugin from '@machop/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, setUp, temporaryDir, toyOptions } from '../fixtures/helpers.js';
import { train } from './train.js';

let dir: string;

beforeAll(async () => {
  await setUp();
  await loadPlugins([modelsPlugin]);
  dir = await temporaryDir();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(['jsc-custom', 'mlp'])('a %s run on the fused and the tfjs engine', (model) => {
  it('reaches the same validation and test metrics (within 0.002) for the same seed', async () => {
    const run = async (engine: 'fused' | 'tfjs') => {
      const result = await train(
        toyOptions(dir, { model, engine, maxEpochs: 4, seed: 3, project: `${model}-${engine}` }),
      );
      const config = await readJson<{ engine: { used: string } }>(`${result.runDir}/config.json`);
      expect(config.engine.used).toBe(engine);
      return result.summary.final;
    };
    const fused = await run('fused');
    const tfjs = await run('tfjs');
    for (const name of ['val_acc_epoch', 'test_acc_epoch', 'val_loss_epoch', 'train_loss_epoch'])
      expect(Math.abs(fused[name] - tfjs[name]), name).toBeLessThan(0.002);
  }, 120_000);
});
