// Validation and test passes on two threads: the fused engine splits each evaluation batch between
// this thread and its worker, and must give one thread's results bit for bit, whatever the
// training batch size; `threads` chooses it for evaluation as for training, and runs record it.
import { availableParallelism } from 'node:os';
import { rm } from 'node:fs/promises';
import { getRegistry, loadPlugins, tf, type Split } from '@machop/core';
import { type FusedEngine, suggestEvaluationThreads } from '@machop/engine-fused';
import modelsPlugin from '@machop/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, setUp, temporaryDir, toyOptions } from '../fixtures/helpers.js';
import { chooseEvaluator } from './choose-engine.js';
import { BUILTIN_ENGINES } from './tfjs-engine-entry.js';
import { EVALUATION_BATCH_ROWS, evaluateSplit, evaluationBatchSize } from './evaluate.js';
import { test } from './test-run.js';
import { train } from './train.js';

let dir: string;

beforeAll(async () => {
  await setUp();
  await loadPlugins([modelsPlugin, ...BUILTIN_ENGINES]);
  dir = await temporaryDir();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const shape = { features: 16, classes: 5 };

/** 10,000 rows: two full evaluation batches and a last one of 1,808 rows. */
function split(): Split {
  const size = 10_000;
  const x = new Float32Array(size * shape.features).map((_, index) => Math.sin(index * 0.37) * 2);
  const y = new Int32Array(size).map((_, row) => row % shape.classes);
  return { x, y, size };
}

function evaluator(name: string, threads: 1 | 2) {
  const entry = getRegistry().models.get(name);
  const model = entry.create({ ...shape, options: {}, seed: 2, tf });
  const chosen = chooseEvaluator('fused', {
    entry,
    shape,
    modelOptions: {},
    seed: 2,
    model,
    threads,
  });
  model.dispose();
  return chosen;
}

describe.each(['jsc-tiny', 'jsc-s', 'jsc-custom'])('evaluating %s on two threads', (name) => {
  it('gives one thread’s loss and accuracy bit for bit, on an engine evaluating on two', () => {
    const data = split();
    const one = evaluator(name, 1);
    const two = evaluator(name, 2);
    try {
      expect(one.record.threads).toBe(1);
      expect(two.record).toMatchObject({ threads: 2, evaluationThreads: 2 });
      const expected = evaluateSplit(one.evaluator, data, EVALUATION_BATCH_ROWS);
      const actual = evaluateSplit(two.evaluator, data, EVALUATION_BATCH_ROWS);
      expect(actual).toEqual(expected);
      // Which rows the worker took depends on the machine's load (engine-fused's
      // inference-threads.test.ts pins the worker's share); that it was asked to is certain.
      expect((two.evaluator as FusedEngine).evaluationThreads).toBe(2);
      expect((one.evaluator as FusedEngine).evaluationThreads).toBe(1);
      expect((two.evaluator as FusedEngine).evaluationBatches.batches).toBe(3);
      expect((one.evaluator as FusedEngine).evaluationBatches).toEqual({ split: 0, batches: 3 });
    } finally {
      one.evaluator.dispose();
      two.evaluator.dispose();
    }
  });
});

describe('evaluation batches', () => {
  it('do not change the results: the loss is summed row by row', () => {
    const data = split();
    const { evaluator: engine } = evaluator('jsc-s', 1);
    try {
      const large = evaluateSplit(engine, data, EVALUATION_BATCH_ROWS);
      expect(evaluateSplit(engine, data, 64)).toEqual(large);
      expect(evaluateSplit(engine, data, 333)).toEqual(large);
    } finally {
      engine.dispose();
    }
  });

  it('of validation are large enough to split, whatever the training batch', () => {
    expect(evaluationBatchSize(64)).toBe(EVALUATION_BATCH_ROWS);
    expect(evaluationBatchSize(10_000)).toBe(10_000);
  });
});

describe('threads of evaluation in runs and tests', () => {
  it('follow the threads option, are recorded, and a test on two gives one thread’s report', async () => {
    const cores = availableParallelism();
    const options = toyOptions(dir, {
      model: 'jsc-custom',
      datasetOptions: { rows: 8000 },
      batchSize: 128,
      maxEpochs: 1,
      seed: 6,
    });
    const run = await train({ ...options, threads: 'auto', project: 'evaluation-auto' });
    const config = await readJson<{ engine: { threads: number; evaluationThreads: number } }>(
      `${run.runDir}/config.json`,
    );
    // Batch 128 trains on one thread; validation and the end-of-run test use two from 2 cores.
    expect(config.engine).toMatchObject({
      threads: 1,
      evaluationThreads: suggestEvaluationThreads(cores),
    });
    const onOne = await train({ ...options, threads: 1, project: 'evaluation-one' });
    expect(
      (await readJson<{ engine: object }>(`${onOne.runDir}/config.json`)).engine,
    ).toMatchObject({ threads: 1, evaluationThreads: 1 });
    // One thread trains alike in both runs: validation on two threads changed nothing.
    expect(onOne.summary.final).toEqual(run.summary.final);

    const one = (await test({ load: run.runDir, threads: 1 })).report;
    const two = (await test({ load: run.runDir, threads: 2 })).report;
    expect(one.engine).toMatchObject({ threads: 1, evaluationThreads: 1 });
    expect(two.engine).toMatchObject({ threads: 2, evaluationThreads: 2 });
    const { testedAt: _, engine: __, ...oneMetrics } = one;
    const { testedAt: ___, engine: ____, ...twoMetrics } = two;
    expect(twoMetrics).toEqual(oneMetrics);
  }, 120_000);
});
