import { forward, type Weights } from '../forward.js';
import type { Graph, GraphNode, Statistics } from '../graph.js';
import { PassArgumentError, type PassResult } from './types.js';

/** Arguments of {@link profileStatistics}: the weights, sample rows, and MASE's settings. */
export interface ProfileArgs {
  weights: Weights;
  /** Sample rows, row-major (`rows * features` values). */
  x: Float32Array;
  rows: number;
  /** Profile the first `num_samples` rows only (MASE's `num_samples`); default all. */
  num_samples?: number;
  /** `q` of the range `[quantile(1 - q), quantile(q)]`; default 0.975, as MASE's `range_quantile`. */
  quantile?: number;
  /** Whether the targets below are op types (`"linear"`) or node names; default `"type"`. */
  by?: string;
  /** Nodes whose weights and biases to profile (MASE: a name or a list); default every layer. */
  target_weight_nodes?: string | string[];
  /** Nodes whose inputs to profile; default every node, inputs and outputs. */
  target_activation_nodes?: string | string[];
  /** With targets, profile their outputs too (MASE's `profile_output_activation`). */
  profile_output_activation?: boolean;
  /** MASE's `[passes.profile_statistics.weight_statistics.range_quantile] quantile`, for weights. */
  weight_statistics?: { range_quantile?: { quantile?: number } };
  /** The same for activations. */
  activation_statistics?: { range_quantile?: { quantile?: number } };
}

/** One row of {@link profileStatistics}' info: one argument of one node. */
export interface ProfileRow extends Statistics {
  node: string;
  argument: string;
}

const PARAMETERS = ['weight', 'bias'];

/**
 * MASE's `profile_statistics`: min, max, a quantile range, mean and variance of every layer's
 * weights and biases, and of every layer's input and output activations over the sample rows (the
 * float forward), or of the targets MASE's arguments name. Returns a new graph whose arguments
 * carry their `statistics`.
 */
export function profileStatistics(
  graph: Graph,
  args: ProfileArgs,
): PassResult<{ rows: ProfileRow[] }> {
  const weightQuantile = quantileOf(args.weight_statistics, args.quantile);
  const quantile = quantileOf(args.activation_statistics, args.quantile);
  const rows = Math.min(args.rows, args.num_samples ?? args.rows);
  if (!Number.isInteger(rows) || rows < 1)
    throw new PassArgumentError(
      `passes.profile_statistics.num_samples must be a positive integer, not ${String(args.num_samples)}`,
    );
  const keyOf = targetKey(args.by);
  const weightTargets = targets(args.target_weight_nodes);
  const activationTargets = targets(args.target_activation_nodes);
  const wants = (list: string[] | undefined, node: GraphNode) =>
    !list || list.includes(keyOf(node));
  const outputs = !activationTargets || args.profile_output_activation === true;
  const result = structuredClone(graph);
  const byName = new Map(result.nodes.map((node) => [node.name, node]));
  const x = args.x.subarray(0, rows * graph.features);
  const input = byName.get('x');
  if (input && !activationTargets) input.args.data_out_0.statistics = statisticsOf(x, quantile);
  forward(graph, args.weights, x, rows, {
    quantized: false,
    onNode(node, input, output) {
      const target = byName.get(node.name)!;
      if (wants(activationTargets, node)) {
        target.args.data_in_0.statistics = statisticsOf(input, quantile);
        if (outputs) target.args.data_out_0.statistics = statisticsOf(output, quantile);
      }
      if (!wants(weightTargets, node)) return;
      for (const name of PARAMETERS) {
        const argument = target.args[name];
        const values = argument?.weightName ? args.weights.get(argument.weightName) : undefined;
        if (argument && values) argument.statistics = statisticsOf(values, weightQuantile);
      }
    },
  });
  const output = byName.get('output');
  const last = result.nodes.at(-2);
  if (output && !activationTargets && last?.args.data_out_0.statistics)
    output.args.data_in_0.statistics = last.args.data_out_0.statistics;
  const profiled = result.nodes.flatMap((node) =>
    Object.entries(node.args).flatMap(([argument, meta]) =>
      meta.statistics ? [{ node: node.name, argument, ...meta.statistics }] : [],
    ),
  );
  return { graph: result, info: { rows: profiled } };
}

function quantileOf(
  statistics: { range_quantile?: { quantile?: number } } | undefined,
  fallback: number | undefined,
): number {
  const quantile = statistics?.range_quantile?.quantile ?? fallback ?? 0.975;
  if (!(quantile >= 0.5 && quantile <= 1))
    throw new PassArgumentError(
      `passes.profile_statistics quantile must be from 0.5 to 1 (0.975 keeps the middle 95%), not ${String(quantile)}`,
    );
  return quantile;
}

function targetKey(by: string | undefined): (node: GraphNode) => string {
  if (by === undefined || by === 'type') return (node) => node.op;
  if (by === 'name') return (node) => node.name;
  throw new PassArgumentError(
    `passes.profile_statistics.by = ${JSON.stringify(by)} is not supported; use "type" or "name"`,
  );
}

function targets(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  throw new PassArgumentError(
    `passes.profile_statistics targets must be a name or a list of names, as target_weight_nodes = ["linear"]`,
  );
}

/** Statistics of all `values`: population variance, quantiles with linear interpolation (torch.quantile). */
export function statisticsOf(values: ArrayLike<number>, quantile = 0.975): Statistics {
  const sorted = Float64Array.from(values).sort();
  const count = sorted.length;
  let sum = 0;
  for (const value of sorted) sum += value;
  const mean = count > 0 ? sum / count : Number.NaN;
  let squares = 0;
  for (const value of sorted) squares += (value - mean) ** 2;
  return {
    count,
    min: sorted[0] ?? Number.NaN,
    max: sorted[count - 1] ?? Number.NaN,
    mean,
    variance: count > 0 ? squares / count : Number.NaN,
    range: [quantileAt(sorted, 1 - quantile), quantileAt(sorted, quantile)],
    quantile,
  };
}

function quantileAt(sorted: Float64Array, probability: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = probability * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}
