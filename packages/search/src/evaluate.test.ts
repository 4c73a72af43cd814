import type { LayerSpec } from '@machop/core/base';
import { graphOf, quantizeGraph, type Graph } from '@machop/graph';
import { describe, expect, it } from 'vitest';
import { evaluateGraph, fusedLogits, goldenLogits } from './evaluate.js';
import { classificationMetrics } from './metrics/classification.js';

/** jsc-s's layer list (MASE's module_list): batch norm, then linear 64, 32, 32, 32, 5 with ReLUs. */
const JSC_S: LayerSpec[] = [
  { type: 'batchNorm' },
  { type: 'activation', activation: 'relu' },
  { type: 'dense', units: 64 },
  { type: 'batchNorm' },
  { type: 'activation', activation: 'relu' },
  { type: 'dense', units: 32 },
  { type: 'activation', activation: 'relu' },
  { type: 'dense', units: 32 },
  { type: 'activation', activation: 'relu' },
  { type: 'dense', units: 5 },
];

function fixedWeights(graph: Graph): Map<string, Float32Array> {
  const weights = new Map<string, Float32Array>();
  for (const node of graph.nodes)
    for (const argument of Object.values(node.args)) {
      if (!argument.weightName) continue;
      const size = argument.shape.reduce((product, dimension) => product * dimension, 1);
      const variance = argument.weightName.endsWith('moving_variance');
      weights.set(
        argument.weightName,
        Float32Array.from({ length: size }, (_, index) =>
          variance ? 0.5 + (index % 3) * 0.25 : Math.sin(index * 1.7 + size) * 0.4,
        ),
      );
    }
  return weights;
}

describe('evaluating a post-training candidate', () => {
  it("gives the golden model's logits bit for bit on the fused engine, quantized", async () => {
    const float = graphOf(JSC_S, { features: 16, classes: 5 }, { prefix: 'module_list' });
    const graph = quantizeGraph(float, {
      by: 'type',
      linear: { config: { name: 'integer', data_in_width: 6, weight_width: 4, bias_width: 8 } },
      relu: { config: { name: 'integer', data_in_width: 5 } },
    }).graph;
    const weights = fixedWeights(graph);
    const rows = 5000;
    const split = {
      x: Float32Array.from({ length: rows * 16 }, (_, index) => Math.cos(index * 0.37) * 2),
      y: Int32Array.from({ length: rows }, (_, index) => (index * 7) % 5),
      size: rows,
    };
    const fused = (await fusedLogits())(graph, weights, split);
    expect(fused).toEqual(goldenLogits(graph, weights, split));
    expect(evaluateGraph(graph, weights, split, 32, await fusedLogits())).toEqual(
      evaluateGraph(graph, weights, split),
    );
    // 5000 rows span two of the engine's 4096-row batches; the golden model, plain JavaScript,
    // takes about a second for them here and timed out at vitest's 5 s under a loaded CI run.
  }, 120_000);
});

describe('classificationMetrics', () => {
  it('counts micro and macro accuracy and the mean cross-entropy as computed by hand', () => {
    // Rows of classes 0, 0, 0, 1 (class 2 has none); predicted 0, 0, 1, 1.
    const logits = Float32Array.from([2, 0, 0, 3, 1, 0, 0, 1, 0, 0, 5, 0]);
    const metrics = classificationMetrics(logits, { y: Int32Array.from([0, 0, 0, 1]), size: 4 }, 3);
    expect(metrics.accuracy).toBe(3 / 4);
    // Class 0: 2 of 3 right, class 1: 1 of 1; class 2 has no rows and is left out (torchmetrics).
    expect(metrics.accuracy_macro).toBeCloseTo((2 / 3 + 1) / 2, 12);
    const ce = (row: number[], label: number) =>
      Math.log(row.reduce((sum, value) => sum + Math.exp(value), 0)) - row[label];
    expect(metrics.loss).toBeCloseTo(
      (ce([2, 0, 0], 0) + ce([3, 1, 0], 0) + ce([0, 1, 0], 0) + ce([0, 5, 0], 1)) / 4,
      12,
    );
  });
});
