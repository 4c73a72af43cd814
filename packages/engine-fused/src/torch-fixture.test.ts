// Replays fixtures/torch-fixture.json, written by fixtures/make_torch_fixture.py with PyTorch 1.13:
// the same initial weights and batches must give PyTorch's loss at every step and its weights and
// batch-norm running statistics (unbiased variance, momentum 0.1) after the last step.
import { readFileSync } from 'node:fs';
import { getRegistry, loadPlugins, mixSeed, setStepSeed } from '@machop/core';
import modelsPlugin from '@machop/models';
import { describe, expect, it } from 'vitest';
import { FusedEngine } from './fused-engine.js';
import type { OptimizerSettings } from './types.js';

interface FixtureWeight {
  name: string;
  shape: number[];
  values: number[];
}

interface Fixture {
  features: number;
  classes: number;
  rows: number;
  batches: { x: number[]; y: number[] }[];
  cases: {
    model: string;
    optimizer: OptimizerSettings;
    seed: number;
    initial: FixtureWeight[];
    losses: number[];
    final: FixtureWeight[];
  }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/torch-fixture.json', import.meta.url), 'utf8'),
) as Fixture;

await loadPlugins([modelsPlugin]);

const asArrays = (weights: FixtureWeight[]) =>
  weights.map((weight) => ({ ...weight, values: Float32Array.from(weight.values) }));

describe.each(fixture.cases.map((testCase) => [testCase.model, testCase.optimizer.kind, testCase]))(
  'PyTorch fixture: %s with %s',
  (model, _kind, testCase) => {
    it('gives PyTorch’s loss at every step and its weights and running statistics at the end', () => {
      const { features, classes, rows } = fixture;
      const layers = getRegistry().models.get(model).layers!({
        features,
        classes,
        options: {},
        seed: testCase.seed,
      });
      const engine = new FusedEngine({
        layers,
        features,
        classes,
        seed: testCase.seed,
        optimizer: testCase.optimizer,
      });
      engine.setWeights(asArrays(testCase.initial), 'the fixture');
      testCase.losses.forEach((loss, step) => {
        const batch = fixture.batches[step];
        // The step seed the trainer sets, and the script's dropout layers use.
        setStepSeed(mixSeed(testCase.seed, step));
        const result = engine.step(Float32Array.from(batch.x), Int32Array.from(batch.y), rows);
        expect(Math.abs(result.loss() - loss) / loss, `loss of step ${step}`).toBeLessThan(1e-5);
      });
      const final = new Map(engine.getWeights().map((weight) => [weight.name, weight.values]));
      // A dense bias right before a batch norm has no effect and a gradient of pure rounding noise,
      // which Adam scales into full-size steps: its value, and the running mean that follows it,
      // are arbitrary in both engines. The running variance and everything else must match.
      const planned = engine.plan.layers;
      const inert = new Set(
        planned.flatMap((layer, index) => {
          const next = planned[index + 1];
          return layer.kind === 'dense' && next?.kind === 'batchNorm'
            ? [`${layer.name}/bias`, `${next.name}/moving_mean`]
            : [];
        }),
      );
      for (const expected of testCase.final) {
        if (inert.has(expected.name)) continue;
        const values = final.get(expected.name)!;
        const scale = Math.max(1e-3, ...expected.values.map(Math.abs));
        const worst = Math.max(
          ...expected.values.map((value, index) => Math.abs(values[index] - value)),
        );
        expect(worst / scale, expected.name).toBeLessThan(1e-4);
      }
    });
  },
);
