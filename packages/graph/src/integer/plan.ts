import type { FixedFormat, LayerSpec, QuantSpec } from '@machop/core/base';
import { quantizeToInteger, stepRange } from '../fixed.js';
import type { Weights } from '../forward.js';
import type { Graph, GraphNode } from '../graph.js';
import type {
  AffineStage,
  DenseStage,
  IntegerPlan,
  IntegerPlanOptions,
  IntegerStage,
  IntegerTensor,
} from './types.js';

/** Why a graph has no integer arithmetic: a float graph, or a node the hardware cannot compute. */
export class IntegerPlanError extends RangeError {
  override name = 'IntegerPlanError';
  /** The node at fault, when one is. */
  readonly node: string | undefined;
  constructor(message: string, node?: string) {
    super(message);
    this.node = node;
  }
}

/** Doubles hold every integer up to 2^53 exactly: the reference refuses anything wider. */
const EXACT_BITS = 53;

/** Signed two's complement bits that hold every integer in `[low, high]`. */
export function signedWidth(low: number, high: number): number {
  let width = 1;
  while (low < -(2 ** (width - 1)) || high > 2 ** (width - 1) - 1) width++;
  return width;
}

function tensor(node: string, size: number, frac: number, low: number, high: number) {
  const width = signedWidth(low, high);
  if (width > EXACT_BITS)
    throw new IntegerPlanError(
      `node ${node} needs ${width}-bit integers, more than the ${EXACT_BITS} the integer reference computes exactly; use narrower precisions`,
      node,
    );
  return { size, frac, low, high, width } satisfies IntegerTensor;
}

function values(weights: Weights, node: GraphNode, argument: string): Float32Array {
  const name = node.args[argument]?.weightName ?? argument;
  const found = weights.get(name);
  if (!found)
    throw new IntegerPlanError(`weight "${name}" of node ${node.name} is missing`, node.name);
  return found;
}

const quantOf = (layer: LayerSpec): QuantSpec | undefined =>
  layer.type === 'dense' || layer.type === 'activation' ? layer.quant : undefined;

/**
 * The all-integer arithmetic of a transformed (quantized) sequential graph, for hardware. MASE
 * computes a quantized linear in float after quantizing its input, weight and bias, and leaves
 * batch norm float; hardware needs every step in integers, so this plan:
 * - quantizes the scaled features at the first `data_in` format of the graph (half to even);
 * - computes a dense layer exactly (`sum w*x + b` with the bias aligned to the products' frac,
 *   accumulators as wide as the exact range needs, so nothing overflows), quantizing its input
 *   at its `data_in`, and its output at `data_out` when given, as MASE does;
 * - computes batch norm as a fixed-point affine `s*x + o` per channel, `s` rounded to
 *   {@link IntegerPlanOptions.batchNormScaleWidth} bits and `o` to the product's frac, exactly;
 * - quantizes a ReLU's input unsigned at its `data_in` (MASE's `ReLUInteger`), else takes
 *   `max(0, x)`; dropout and the identity compute nothing.
 * Every quantization is the one quantizer of `fixed.ts` (`quantizeToInteger`). Throws an
 * {@link IntegerPlanError} for a float graph or a node without integer arithmetic.
 */
export function integerPlan(
  graph: Graph,
  weights: Weights,
  options: IntegerPlanOptions = {},
): IntegerPlan {
  const layers = graph.nodes.filter((node) => node.layer);
  const firstIn = layers.map((node) => quantOf(node.layer!)?.dataIn).find(Boolean);
  const inputFormat = options.inputFormat ?? firstIn;
  if (!inputFormat)
    throw new IntegerPlanError(
      'the graph is float (no layer has a data_in precision); quantize it first (ch transform)',
    );
  const scaleWidth = options.batchNormScaleWidth ?? 16;
  const [inLow, inHigh] = stepRange(inputFormat);
  const input = tensor('x', graph.features, inputFormat.frac, inLow, inHigh);
  const stages: IntegerStage[] = [];
  let current = input;
  const push = (stage: IntegerStage) => {
    stages.push(stage);
    current = stage.output;
  };
  for (const node of layers) {
    const layer = node.layer!;
    const name = node.name;
    switch (layer.type) {
      case 'dense': {
        const quant = layer.quant;
        if (!quant?.weight || (node.args.bias && !quant.bias))
          throw new IntegerPlanError(
            `node ${name} (linear) has no integer weight${node.args.bias ? ' and bias' : ''} precision; quantize every linear layer (a [passes.quantize] table for linear)`,
            name,
          );
        const floor = quant.floor === true;
        if (quant.dataIn) push(requantize(name, current, quant.dataIn, false, floor));
        push(dense(name, node, layer.units, current, quant, weights));
        if (quant.dataOut) push(requantize(name, current, quant.dataOut, false, floor));
        break;
      }
      case 'batchNorm':
        push(affine(name, node, current, layer.epsilon ?? 1e-5, scaleWidth, weights));
        break;
      case 'activation':
        if (layer.activation === 'linear') break;
        if (layer.activation !== 'relu')
          throw new IntegerPlanError(
            `node ${name} (${layer.activation}) has no integer hardware; only linear, batch norm, ReLU and dropout do`,
            name,
          );
        // MASE's ReLUInteger rounds half to even, never down, onto an unsigned grid.
        if (layer.quant?.dataIn) push(requantize(name, current, layer.quant.dataIn, true, false));
        if (current.low < 0)
          push({
            kind: 'relu',
            node: name,
            output: tensor(name, current.size, current.frac, 0, Math.max(0, current.high)),
          });
        break;
      case 'dropout':
        break;
    }
  }
  return { inputFormat, input, stages, output: current };
}

/** A requantization, or nothing when `input` already sits on `format`'s grid and range. */
function requantize(
  node: string,
  input: IntegerTensor,
  format: FixedFormat,
  unsigned: boolean,
  floor: boolean,
): IntegerStage {
  const [low, high] = stepRange(format, unsigned);
  const scale = 2 ** -input.frac;
  const bound = (value: number) => quantizeToInteger(value * scale, format, { unsigned, floor });
  return {
    kind: 'requantize',
    node,
    format,
    unsigned,
    floor,
    output: tensor(
      node,
      input.size,
      format.frac,
      Math.max(low, bound(input.low)),
      Math.min(high, bound(input.high)),
    ),
  };
}

function dense(
  node: string,
  graphNode: GraphNode,
  units: number,
  input: IntegerTensor,
  quant: QuantSpec,
  weights: Weights,
): DenseStage {
  const kernel = values(weights, graphNode, 'weight');
  const floor = quant.floor === true;
  const weightFormat = quant.weight!;
  const inputs = input.size;
  const productFrac = input.frac + weightFormat.frac;
  const frac = quant.bias ? Math.max(productFrac, quant.bias.frac) : productFrac;
  const weightScale = 2 ** (frac - productFrac);
  const unitWeights = new Array<number>(units * inputs);
  // tfjs keeps a kernel as [inputs, units]; the plan keeps each unit's weights together.
  for (let k = 0; k < inputs; k++)
    for (let unit = 0; unit < units; unit++)
      unitWeights[unit * inputs + k] =
        quantizeToInteger(kernel[k * units + unit], weightFormat, { floor }) * weightScale;
  const biases = new Array<number>(units).fill(0);
  if (graphNode.args.bias) {
    const bias = values(weights, graphNode, 'bias');
    const biasScale = 2 ** (frac - quant.bias!.frac);
    for (let unit = 0; unit < units; unit++)
      biases[unit] = quantizeToInteger(bias[unit], quant.bias!, { floor }) * biasScale;
  }
  let low = Infinity;
  let high = -Infinity;
  for (let unit = 0; unit < units; unit++) {
    let unitLow = biases[unit];
    let unitHigh = biases[unit];
    for (let k = 0; k < inputs; k++) {
      const weight = unitWeights[unit * inputs + k];
      unitLow += Math.min(weight * input.low, weight * input.high);
      unitHigh += Math.max(weight * input.low, weight * input.high);
    }
    low = Math.min(low, unitLow);
    high = Math.max(high, unitHigh);
  }
  let weightLow = 0;
  let weightHigh = 0;
  for (const weight of unitWeights) {
    weightLow = Math.min(weightLow, weight);
    weightHigh = Math.max(weightHigh, weight);
  }
  return {
    kind: 'dense',
    node,
    inputs,
    units,
    weights: unitWeights,
    biases,
    weightWidth: signedWidth(weightLow, weightHigh),
    output: tensor(node, units, frac, low, high),
  };
}

function affine(
  node: string,
  graphNode: GraphNode,
  input: IntegerTensor,
  epsilon: number,
  scaleWidth: number,
  weights: Weights,
): AffineStage {
  const gamma = values(weights, graphNode, 'weight');
  const beta = values(weights, graphNode, 'bias');
  const mean = values(weights, graphNode, 'running_mean');
  const variance = values(weights, graphNode, 'running_var');
  const real = Array.from(
    gamma,
    (value, channel) => value / Math.sqrt(variance[channel] + epsilon),
  );
  const largest = Math.max(...real.map(Math.abs));
  // The largest frac that keeps the largest scale within scaleWidth signed bits.
  const scaleFrac =
    largest > 0 ? Math.floor(Math.log2((2 ** (scaleWidth - 1) - 1) / largest)) : scaleWidth - 1;
  const scaleFormat = { width: scaleWidth, frac: scaleFrac };
  const scales = real.map((value) => quantizeToInteger(value, scaleFormat));
  const frac = input.frac + scaleFrac;
  const offsetFormat = { width: EXACT_BITS, frac };
  const offsets = real.map((scale, channel) =>
    quantizeToInteger(beta[channel] - mean[channel] * scale, offsetFormat),
  );
  let low = Infinity;
  let high = -Infinity;
  scales.forEach((scale, channel) => {
    const ends = [scale * input.low, scale * input.high];
    low = Math.min(low, Math.min(...ends) + offsets[channel]);
    high = Math.max(high, Math.max(...ends) + offsets[channel]);
  });
  return {
    kind: 'affine',
    node,
    scales,
    offsets,
    scaleFormat,
    output: tensor(node, input.size, frac, low, high),
  };
}
