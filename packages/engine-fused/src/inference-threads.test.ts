// Inference on two threads against one: rows are independent in inference, so a batch split
// between this thread and the worker must give the very logits one thread gives, bit for bit,
// for every model and for weights that moved in training since the worker last saw them. Real
// worker threads (dist/shard-worker.js, built before the tests).
import { loadPlugins, mixSeed, setStepSeed } from '@machop/core';
import modelsPlugin from '@machop/models';
import { afterEach, describe, expect, it } from 'vitest';
import { SHARED_INFERENCE_ROWS, type FusedEngine } from './fused-engine.js';
import { JSC_CLASSES, JSC_FEATURES, jscEngine, jscRows } from './testing.js';

await loadPlugins([modelsPlugin]);

const SEED = 3;
const MODELS = ['jsc-tiny', 'jsc-toy', 'jsc-s', 'jsc-trt', 'jsc-three-linear-layers', 'jsc-custom'];

const engines: FusedEngine[] = [];
afterEach(() => {
  for (const engine of engines.splice(0)) engine.dispose();
});

function engine(
  name: string,
  threads: number,
  evaluationThreads?: number,
  placement?: 'worker',
): FusedEngine {
  const made = jscEngine(name, SEED, {
    optimizer: { kind: 'adam', learningRate: 1e-2, weightDecay: 0 },
    threads,
    evaluationThreads,
    placement,
  });
  engines.push(made);
  return made;
}

const rows = jscRows;

describe.each(MODELS)('inference of %s on two threads', (name) => {
  it('gives one thread’s logits bit for bit, before and after training steps', () => {
    const one = engine(name, 1, 1);
    // The worker computes the whole second half: the split is certain, whatever the load.
    const two = engine(name, 1, 2, 'worker');
    // Rows shared as it comes: the worker claims what it gets to, this thread the rest.
    const shared = engine(name, 1, 2);
    const size = 4097; // odd: this thread takes the extra row
    const { x } = rows(11, size);
    const expected = new Float32Array(size * JSC_CLASSES);
    const actual = new Float32Array(size * JSC_CLASSES);
    const claimed = new Float32Array(size * JSC_CLASSES);
    for (let round = 0; round < 3; round++) {
      one.evaluate(x, size, expected);
      two.evaluate(x, size, actual);
      shared.evaluate(x, size, claimed);
      expect(actual).toEqual(expected);
      expect(claimed).toEqual(expected);
      // Train both alike: the worker must be handed the new weights before the next split.
      for (let step = 0; step < 5; step++) {
        const batch = rows(100 * round + step, 128);
        setStepSeed(mixSeed(SEED, step));
        one.step(batch.x, batch.y, 128);
        setStepSeed(mixSeed(SEED, step));
        two.step(batch.x, batch.y, 128);
        setStepSeed(mixSeed(SEED, step));
        shared.step(batch.x, batch.y, 128);
      }
    }
    expect(two.evaluationBatches).toEqual({ split: 3, batches: 3 });
    expect(one.evaluationBatches).toEqual({ split: 0, batches: 3 });
  });
});

describe('inference threads', () => {
  it('default to the training threads and split only large batches', () => {
    const two = engine('jsc-s', 2, undefined, 'worker');
    const one = engine('jsc-s', 1);
    const { x } = rows(5, SHARED_INFERENCE_ROWS);
    const logits = new Float32Array(SHARED_INFERENCE_ROWS * JSC_CLASSES);
    two.evaluate(x, SHARED_INFERENCE_ROWS - 1, logits);
    two.evaluate(x, SHARED_INFERENCE_ROWS, logits);
    one.evaluate(x, SHARED_INFERENCE_ROWS, logits);
    expect(two.evaluationBatches).toEqual({ split: 1, batches: 2 });
    expect(one.evaluationBatches).toEqual({ split: 0, batches: 1 });
  });

  it('a two-thread training engine evaluating on one thread never splits', () => {
    const two = engine('jsc-tiny', 2, 1);
    const { x } = rows(6, 2048);
    two.evaluate(x, 2048, new Float32Array(2048 * JSC_CLASSES));
    expect(two.evaluationBatches).toEqual({ split: 0, batches: 1 });
  });

  it('go on alone, with the same logits, while the worker has no core', () => {
    const one = engine('jsc-tiny', 1, 1);
    const shared = engine('jsc-tiny', 1, 2);
    const { x } = rows(8, 4096);
    const expected = new Float32Array(4096 * JSC_CLASSES);
    const actual = new Float32Array(4096 * JSC_CLASSES);
    one.evaluate(x, 4096, expected);
    // Back to back: the worker may still be on an earlier batch; nothing waits for it to start.
    for (let round = 0; round < 5; round++) {
      shared.evaluate(x, 4096, actual);
      expect(actual).toEqual(expected);
    }
    expect(shared.evaluationBatches.batches).toBe(5);
  });

  it('refuses a count other than 1 or 2, and a disposed engine', () => {
    expect(() => engine('jsc-tiny', 1, 3)).toThrow(/evaluationThreads must be 1 or 2; got 3/);
    const two = engine('jsc-tiny', 1, 2);
    two.dispose();
    expect(() =>
      two.evaluate(new Float32Array(JSC_FEATURES), 1, new Float32Array(JSC_CLASSES)),
    ).toThrow(/disposed/);
  });
});
