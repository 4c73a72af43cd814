import type { Split } from '@machop/core/base';
import { forward, type Graph, type Weights } from '@machop/graph';
import { classificationMetrics } from './metrics/classification.js';
import { costMetrics } from './metrics/cost.js';
import type { TrialMetrics } from './metrics/names.js';

/**
 * Every metric of a post-training candidate: its graph's golden model (`@machop/graph`'s
 * `forward`, quantized as MASE quantizes) on `split`, and its costs counted from the graph.
 */
export function evaluateGraph(
  graph: Graph,
  weights: Weights,
  split: Split,
  compareTo = 32,
): TrialMetrics {
  const logits = forward(graph, weights, split.x, split.size);
  return {
    ...classificationMetrics(logits, split, graph.classes),
    ...costMetrics(graph, compareTo),
  };
}
