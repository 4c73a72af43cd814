import type { Graph, NodeArgument } from '../graph.js';
import type { PassResult } from './types.js';

/** Costs of one node, per sample. */
export interface NodeCount {
  node: string;
  op: string;
  /** Trainable parameters (PyTorch's count: batch-norm running statistics not included). */
  parameters: number;
  /** Multiply-accumulates per sample (a batch norm folds to one per feature). */
  macs: number;
  /** MACs times the bit widths of their two operands (32 for float). */
  bitOps: number;
  /** Bits to store the node's parameters and running statistics at their precision. */
  memoryBits: number;
}

/** What {@link countGraph} reports: a row per layer node and the totals. */
export interface CountInfo {
  nodes: NodeCount[];
  total: Omit<NodeCount, 'node' | 'op'>;
}

const width = (argument: NodeArgument | undefined): number =>
  argument ? argument.precision.precision[0] : 32;
const size = (argument: NodeArgument | undefined): number =>
  argument ? argument.shape.reduce((product, dimension) => product * dimension, 1) : 0;

/**
 * The count pass: parameters, MACs, BitOPs and memory in bits of each layer at its current
 * precision (after `quantize`, the quantized widths), for `ch search` to weigh against accuracy.
 */
export function countGraph(graph: Graph): PassResult<CountInfo> {
  const nodes: NodeCount[] = [];
  for (const node of graph.nodes) {
    if (!node.layer) continue;
    const { args } = node;
    let parameters = 0;
    let macs = 0;
    let bitOps = 0;
    let memoryBits = 0;
    if (node.op === 'linear') {
      parameters = size(args.weight) + size(args.bias);
      macs = size(args.weight);
      bitOps = macs * width(args.data_in_0) * width(args.weight);
      memoryBits = size(args.weight) * width(args.weight) + size(args.bias) * width(args.bias);
    } else if (node.op === 'batch_norm1d') {
      parameters = size(args.weight) + size(args.bias);
      macs = size(args.data_in_0);
      bitOps = macs * width(args.data_in_0) * width(args.weight);
      memoryBits = ['weight', 'bias', 'running_mean', 'running_var'].reduce(
        (bits, name) => bits + size(args[name]) * width(args[name]),
        0,
      );
    }
    nodes.push({ node: node.name, op: node.op, parameters, macs, bitOps, memoryBits });
  }
  const total = { parameters: 0, macs: 0, bitOps: 0, memoryBits: 0 };
  for (const row of nodes) {
    total.parameters += row.parameters;
    total.macs += row.macs;
    total.bitOps += row.bitOps;
    total.memoryBits += row.memoryBits;
  }
  return { graph, info: { nodes, total } };
}
