import type { FixedFormat, LayerSpec } from '@machop/core/base';
import { quantizeArray } from './fixed.js';
import type { Graph, GraphNode } from './graph.js';

/** Weights by tfjs name (`dense_1/kernel` as `[in, out]` row-major, `batch_norm_1/gamma`, ...). */
export type Weights = ReadonlyMap<string, Float32Array>;

/** Weights by name from a list of named arrays (a checkpoint's or an engine's). */
export function weightsByName(
  list: Iterable<{ name: string; values: ArrayLike<number> }>,
): Map<string, Float32Array> {
  const weights = new Map<string, Float32Array>();
  for (const { name, values } of list) weights.set(name, Float32Array.from(values));
  return weights;
}

/** Options of {@link forward}. */
export interface ForwardOptions {
  /** Apply each layer's `quant` (fake quantization); false gives the float model. Default true. */
  quantized?: boolean;
  /**
   * Batch norm from the batch's own mean and (biased) variance, as in training; dropout layers
   * must then have rate 0, as their masks are the engine's. Default false: evaluation mode.
   */
  batchStatistics?: boolean;
  /** Called with each layer node's input and output (`rows * width` values, row-major). */
  onNode?(node: GraphNode, input: Float32Array, output: Float32Array): void;
}

/**
 * The golden model: the graph's forward in evaluation mode (batch norm with its running
 * statistics, dropout off) on `rows` rows of `x`, returning `rows * classes` logits. Values are
 * float32 after every layer, as in an engine; quantized layers round with `quantizeArray` exactly
 * as MASE's `linearInteger` and `ReLUInteger` do.
 */
export function forward(
  graph: Graph,
  weights: Weights,
  x: Float32Array,
  rows: number,
  options: ForwardOptions = {},
): Float32Array {
  if (x.length !== rows * graph.features)
    throw new RangeError(
      `x has ${x.length} values, not rows * features = ${rows} * ${graph.features}`,
    );
  const quantized = options.quantized !== false;
  let values = x;
  let width = graph.features;
  for (const node of graph.nodes) {
    if (!node.layer) continue;
    const output =
      options.batchStatistics === true &&
      node.layer.type !== 'dense' &&
      node.layer.type !== 'activation'
        ? trainForward(node, node.layer, weights, values, rows, width)
        : layerForward(node, node.layer, weights, values, rows, width, quantized);
    options.onNode?.(node, values, output);
    values = output;
    width = output.length / rows;
  }
  return values;
}

function weight(weights: Weights, node: GraphNode, argument: string): Float32Array {
  const name = node.args[argument]?.weightName ?? argument;
  const values = weights.get(name);
  if (!values) throw new RangeError(`weight "${name}" of node ${node.name} is missing`);
  return values;
}

function layerForward(
  node: GraphNode,
  layer: LayerSpec,
  weights: Weights,
  input: Float32Array,
  rows: number,
  width: number,
  quantized: boolean,
): Float32Array {
  const quant =
    quantized && layer.type !== 'batchNorm' && layer.type !== 'dropout' ? layer.quant : undefined;
  const floor = quant?.floor === true;
  const maybe = (values: Float32Array, format: FixedFormat | undefined, unsigned = false) =>
    format ? quantizeArray(values, format, { floor, unsigned }) : values;
  switch (layer.type) {
    case 'dense': {
      const x = maybe(input, quant?.dataIn);
      const kernel = maybe(weight(weights, node, 'weight'), quant?.weight);
      const bias = node.args.bias ? maybe(weight(weights, node, 'bias'), quant?.bias) : undefined;
      const units = layer.units;
      const out = new Float32Array(rows * units);
      for (let row = 0; row < rows; row++)
        for (let unit = 0; unit < units; unit++) {
          let sum = bias ? bias[unit] : 0;
          for (let k = 0; k < width; k++) sum += x[row * width + k] * kernel[k * units + unit];
          out[row * units + unit] = sum;
        }
      return maybe(out, quant?.dataOut);
    }
    case 'batchNorm': {
      const gamma = weight(weights, node, 'weight');
      const beta = weight(weights, node, 'bias');
      const mean = weight(weights, node, 'running_mean');
      const variance = weight(weights, node, 'running_var');
      const epsilon = layer.epsilon ?? 1e-5;
      const out = new Float32Array(input.length);
      for (let index = 0; index < input.length; index++) {
        const channel = index % width;
        out[index] =
          ((input[index] - mean[channel]) / Math.sqrt(variance[channel] + epsilon)) *
            gamma[channel] +
          beta[channel];
      }
      return out;
    }
    case 'activation': {
      // MASE's ReLUInteger always rounds (never floor) and quantizes unsigned.
      const x = quant?.dataIn
        ? quantizeArray(input, quant.dataIn, { unsigned: layer.activation === 'relu' })
        : input;
      return Float32Array.from(x, ACTIVATIONS[layer.activation]);
    }
    case 'dropout':
      return input;
  }
}

/** Batch norm over the batch (biased variance, as PyTorch normalizes in training). */
function trainForward(
  node: GraphNode,
  layer: LayerSpec,
  weights: Weights,
  input: Float32Array,
  rows: number,
  width: number,
): Float32Array {
  if (layer.type === 'dropout') {
    if (layer.rate === 0) return input;
    throw new RangeError(
      `node ${node.name} drops ${layer.rate} of its inputs at random; use batchStatistics only with dropout rate 0`,
    );
  }
  const mean = new Float64Array(width);
  const variance = new Float64Array(width);
  for (let index = 0; index < input.length; index++) mean[index % width] += input[index] / rows;
  for (let index = 0; index < input.length; index++)
    variance[index % width] += (input[index] - mean[index % width]) ** 2 / rows;
  const batchWeights: Weights = new Map([
    ...weights,
    [node.args.running_mean.weightName!, Float32Array.from(mean)],
    [node.args.running_var.weightName!, Float32Array.from(variance)],
  ]);
  return layerForward(node, layer, batchWeights, input, rows, width, false);
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

const ACTIVATIONS: Record<string, (value: number) => number> = {
  relu: (value) => (value > 0 ? value : 0),
  tanh: Math.tanh,
  sigmoid: (value) => 1 / (1 + Math.exp(-value)),
  elu: (value) => (value > 0 ? value : Math.expm1(value)),
  selu: (value) => SELU_SCALE * (value > 0 ? value : SELU_ALPHA * Math.expm1(value)),
  linear: (value) => value,
};
