import type { Split } from '@machop/core/base';
import { forward, layersOf, type Graph, type Weights } from '@machop/graph';
import { classificationMetrics } from './metrics/classification.js';
import { costMetrics } from './metrics/cost.js';
import type { TrialMetrics } from './metrics/names.js';

/** Rows per batch: the fused engine's buffers stay in cache (all 50k rows at once were 8x slower). */
const BATCH_ROWS = 4096;

/** Computes a graph's logits on a split. */
export type LogitsOf = (graph: Graph, weights: Weights, split: Split) => Float32Array;

/** The golden model (`@machop/graph`'s `forward`): plain JavaScript, the reference. */
export const goldenLogits: LogitsOf = (graph, weights, split) =>
  forward(graph, weights, split.x, split.size);

/**
 * The fused WebAssembly engine's inference on the graph's layers (its fake quantization included),
 * one thread, in batches. It gives the golden model's logits bit for bit on jsc-tiny and jsc-s
 * (checked in evaluate.test.ts) at 10 to 60 times its speed, so a post-training trial of jsc-s on
 * 50k rows takes tens of milliseconds. Loaded on first use: it brings tfjs-core along.
 */
export async function fusedLogits(): Promise<LogitsOf> {
  const { FusedEngine } = await import('@machop/engine-fused');
  return (graph, weights, split) => {
    const named = graph.nodes.flatMap((node) =>
      Object.values(node.args).flatMap((argument) =>
        argument.weightName
          ? [
              {
                name: argument.weightName,
                shape: argument.shape,
                values: weights.get(argument.weightName)!,
              },
            ]
          : [],
      ),
    );
    const engine = new FusedEngine({
      layers: layersOf(graph),
      features: graph.features,
      classes: graph.classes,
      seed: 0,
      optimizer: { kind: 'adam', learningRate: 1e-3, weightDecay: 0 },
      evaluationThreads: 1,
    });
    try {
      engine.setWeights(named, 'the loaded run');
      const { features, classes } = graph;
      const logits = new Float32Array(split.size * classes);
      for (let row = 0; row < split.size; row += BATCH_ROWS) {
        const rows = Math.min(BATCH_ROWS, split.size - row);
        engine.evaluate(
          split.x.subarray(row * features, (row + rows) * features),
          rows,
          logits.subarray(row * classes, (row + rows) * classes),
        );
      }
      return logits;
    } finally {
      engine.dispose();
    }
  };
}

/**
 * Every metric of a post-training candidate: its logits on `split` (the golden model unless
 * `logitsOf` says otherwise) and its costs counted from the graph.
 */
export function evaluateGraph(
  graph: Graph,
  weights: Weights,
  split: Split,
  compareTo = 32,
  logitsOf: LogitsOf = goldenLogits,
): TrialMetrics {
  const logits = logitsOf(graph, weights, split);
  return {
    ...classificationMetrics(logits, split, graph.classes),
    ...costMetrics(graph, compareTo),
  };
}
