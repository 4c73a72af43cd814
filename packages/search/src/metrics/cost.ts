import { countGraph, type Graph } from '@machop/graph';

/** What {@link costMetrics} counts of a graph. */
export interface CostMetrics {
  average_bitwidth: number;
  memory_density: number;
  model_size_bits: number;
  bitops: number;
  parameters: number;
}

/**
 * The hardware metrics of a (quantized) graph. `average_bitwidth` is MASE's
 * `calculate_avg_bits_module_analysis_pass`: the weight widths of the quantized linear layers,
 * averaged over their weights (biases and float layers left out); 32 when no linear layer is
 * quantized. `memory_density` is MASE's `compare_to / average_bitwidth`. The rest come from
 * `@machop/graph`'s count pass: every parameter at its precision, BitOPs and parameters.
 */
export function costMetrics(graph: Graph, compareTo = 32): CostMetrics {
  let weights = 0;
  let bits = 0;
  for (const node of graph.nodes) {
    const weight = node.args.weight;
    if (node.op !== 'linear' || !weight || weight.precision.type === 'float') continue;
    const size = weight.shape.reduce((product, dimension) => product * dimension, 1);
    weights += size;
    bits += size * weight.precision.precision[0];
  }
  const average = weights === 0 ? 32 : bits / weights;
  const { total } = countGraph(graph).info;
  return {
    average_bitwidth: average,
    memory_density: compareTo / average,
    model_size_bits: total.memoryBits,
    bitops: total.bitOps,
    parameters: total.parameters,
  };
}
