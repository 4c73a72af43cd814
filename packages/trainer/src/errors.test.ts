import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, isMachopError } from '@machop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUp, temporaryDir, toyOptions } from '../fixtures/helpers.js';
import { train, type TrainOptions } from './index.js';

describe('bad input', () => {
  let projectDir: string;

  beforeAll(async () => {
    await setUp();
    projectDir = path.join(await temporaryDir(), 'projects');
  });

  afterAll(async () => {
    await rm(path.dirname(projectDir), { recursive: true, force: true });
  });

  const invalid: [Partial<TrainOptions>, RegExp][] = [
    [
      { batchSize: 0 },
      /batchSize \(--batch-size\) must be a whole number from 1 to 16777216, got 0/,
    ],
    [
      { batchSize: 1e9 },
      /batchSize \(--batch-size\) must be a whole number from 1 to 16777216, got 1000000000/,
    ],
    [{ maxEpochs: 2.5 }, /maxEpochs \(--max-epochs\) must be a whole number/],
    [{ learningRate: -1 }, /learningRate \(--learning-rate\) must be a number greater than 0/],
    [{ gamma: 2 }, /gamma \(--gamma\) must be a number greater than 0 and at most 1/],
    [
      { optimizer: 'rmsprop' as 'adam' },
      /optimizer \(--optimizer\) must be one of adam, adamw, sgd/,
    ],
    [{ monitor: 'val_f1' }, /monitor \(--monitor\) must be one of val_loss_epoch/],
    [
      { split: { testFraction: 1 } },
      /testFraction \(--test-fraction\) must be a number greater than 0 and at most 0.9/,
    ],
    [{ resume: 'a', load: 'b' }, /cannot be combined/],
    [{ runId: '../escape' }, /runId \(--run-id\) must be a folder name/],
    [
      { modelOptions: { hiden: 4 } },
      /model "toy-mlp" has no option "hiden": did you mean hidden\?/,
    ],
    [
      { modelOptions: { hidden: 'many' } },
      /option hidden \(--hidden\) of model "toy-mlp" must be a whole number/,
    ],
  ];
  for (const [overrides, message] of invalid) {
    it(`refuses ${JSON.stringify(overrides)} with a ConfigError before writing anything`, async () => {
      const error: unknown = await train(toyOptions(projectDir, overrides)).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
      expect(existsSync(projectDir)).toBe(false);
    });
  }

  it('names the closest entries for an unknown model', async () => {
    await expect(train(toyOptions(projectDir, { model: 'toy-mpl' }))).rejects.toThrow(
      /unknown model "toy-mpl": did you mean "toy-mlp"/,
    );
    expect(existsSync(projectDir)).toBe(false);
  });

  it('fails with one line when the project folder cannot be created, leaving nothing behind', async () => {
    const file = path.join(path.dirname(projectDir), 'a-file');
    await writeFile(file, 'not a folder');
    const error: unknown = await train(toyOptions(path.join(file, 'projects'))).catch(
      (caught: unknown) => caught,
    );
    expect(isMachopError(error) && error.code).toBe('E_IO');
    expect((error as Error).message).toMatch(
      /cannot create run folder under .*a-file is a file, not a folder; pass a writable projectDir/,
    );
  });

  it('refuses a runId that is taken', async () => {
    await train(toyOptions(projectDir, { runId: 'fixed', maxEpochs: 1, test: false }));
    await expect(train(toyOptions(projectDir, { runId: 'fixed', maxEpochs: 1 }))).rejects.toThrow(
      /run folder .*fixed already exists/,
    );
  });
});
