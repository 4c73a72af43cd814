// The fused engine against the tfjs engine on every model of @machop/models: the same initial
// weights and batches must give the same loss at every one of 100 steps (Adam and Nesterov SGD),
// the same predictions on a held-out batch and the same running statistics.
import { getRegistry, initBackend, loadPlugins, mixSeed, setStepSeed, tf } from '@machop/core';
import { FusedEngine } from '@machop/engine-fused';
import { argmax, jscRows } from '@machop/engine-fused/testing';
import modelsPlugin from '@machop/models';
import { describe, expect, it } from 'vitest';
import type { OptimizerSettings } from './optimizer.js';
import { TfjsEngine, weightsOf } from './tfjs-engine.js';

await initBackend();
await loadPlugins([modelsPlugin]);

const FEATURES = 16;
const CLASSES = 5;
const ROWS = 64;
const STEPS = 100;
const SEED = 5;
const MODELS = [
  'jsc-tiny',
  'jsc-toy',
  'jsc-s',
  'jsc-trt',
  'jsc-three-linear-layers',
  'jsc-custom',
  'mlp',
];
const OPTIMIZERS: OptimizerSettings[] = [
  { kind: 'adam', learningRate: 1e-3, weightDecay: 0 },
  { kind: 'sgd', learningRate: 1e-2, weightDecay: 1e-4 },
];

/**
 * jsc-s under Adam is the one case that drifts: dense_4's and dense_5's biases feed a batch norm
 * through units that stay active on every row, so their true gradient is zero and what both
 * engines compute is float32 rounding noise of either sign; Adam divides by its own magnitude
 * and moves them by ±lr from the first step, and by step 4 the two trajectories part (worst
 * relative loss difference over 100 steps measured 1.8e-2). Each engine is right; they round
 * differently. The other 13 cases agree to 1e-5 at every step.
 */
const CHAOTIC = new Set(['jsc-s adam']);
const CHAOTIC_EXACT_STEPS = 3;
const CHAOTIC_TOLERANCE = 0.05;

const batch = (seed: number) => jscRows(seed, ROWS);

describe.each(
  MODELS.flatMap((name) =>
    OPTIMIZERS.map((optimizer) => [name, optimizer.kind, optimizer] as const),
  ),
)('fused and tfjs engines on %s with %s', (name, _kind, optimizer) => {
  it('agree on 100 losses, held-out predictions and running statistics', () => {
    const chaotic = CHAOTIC.has(`${name} ${optimizer.kind}`);
    const entry = getRegistry().models.get(name);
    const context = { features: FEATURES, classes: CLASSES, options: {}, seed: SEED };
    const model = entry.create({ ...context, tf });
    const tfjsEngine = new TfjsEngine(model, optimizer);
    const fused = new FusedEngine({ layers: entry.layers!(context), ...context, optimizer });
    fused.setWeights(weightsOf(model), 'the tfjs model');
    try {
      for (let step = 0; step < STEPS; step++) {
        const { x, y } = batch(step);
        setStepSeed(mixSeed(SEED, step));
        const expected = tfjsEngine.step(x, y, ROWS).loss();
        setStepSeed(mixSeed(SEED, step));
        const actual = fused.step(x, y, ROWS).loss();
        expect(Math.abs(actual - expected) / expected, `loss of step ${step}`).toBeLessThan(
          chaotic && step >= CHAOTIC_EXACT_STEPS ? CHAOTIC_TOLERANCE : 1e-5,
        );
      }
      const heldOut = batch(1000);
      const ours = new Float32Array(ROWS * CLASSES);
      const theirs = new Float32Array(ROWS * CLASSES);
      fused.evaluate(heldOut.x, ROWS, ours);
      tfjsEngine.evaluate(heldOut.x, ROWS, theirs);
      if (chaotic) {
        // Diverged trajectories: most predictions still agree.
        const a = argmax(ours);
        const b = argmax(theirs);
        expect(a.filter((value, index) => value === b[index]).length / ROWS).toBeGreaterThan(0.9);
      } else expect(argmax(ours)).toEqual(argmax(theirs));
      // Running statistics, except the running mean right after a dense bias that a batch
      // norm cancels: that bias has a gradient of pure rounding noise in both engines.
      const planned = fused.plan.layers;
      const inert = new Set(
        planned.flatMap((layer, index) => {
          const next = planned[index + 1];
          return layer.kind === 'dense' && next?.kind === 'batchNorm'
            ? [`${next.name}/moving_mean`]
            : [];
        }),
      );
      const tfjsWeights = new Map(tfjsEngine.getWeights().map((weight) => [weight.name, weight]));
      for (const weight of fused.getWeights()) {
        // Diverged trajectories keep different statistics: only the other cases compare them.
        if (chaotic || !weight.name.includes('moving_') || inert.has(weight.name)) continue;
        const expected = tfjsWeights.get(weight.name)!.values;
        const scale = Math.max(1e-3, ...expected.map(Math.abs));
        const worst = Math.max(
          ...weight.values.map((value, index) => Math.abs(value - expected[index])),
        );
        expect(worst / scale, weight.name).toBeLessThan(1e-4);
      }
    } finally {
      tfjsEngine.dispose();
      model.dispose();
    }
  }, 60_000);
});
