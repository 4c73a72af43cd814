import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '@machop/core';
import { describeDatasetConformance } from '@machop/core/testing';
import { describeModelConformance } from '@machop/trainer/testing';
import { train } from '@machop/trainer';
import { describe, expect, it } from 'vitest';
import plugin from './index.js';

describeModelConformance('logistic-regression', {
  plugins: [plugin],
  shapes: [{ features: 30, classes: 2 }],
});
describeDatasetConformance('breast-cancer', { plugins: [plugin] });

describe('training through the public trainer', () => {
  it('reaches the accuracy a standardised logistic regression is known to reach (0.95-0.98)', async () => {
    await initBackend();
    const projectDir = await mkdtemp(path.join(os.tmpdir(), 'machop-plugin-'));
    try {
      const result = await train({
        model: 'logistic-regression',
        dataset: 'breast-cancer',
        maxEpochs: 30,
        batchSize: 32,
        learningRate: 0.01,
        projectDir,
        project: 'example',
      });
      expect(result.status).toBe('completed');
      expect(result.summary.final.test_acc_epoch).toBeGreaterThan(0.93);
    } finally {
      await rm(projectDir, { recursive: true, force: true });
    }
  });
});
