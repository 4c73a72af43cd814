import { ModelError, type LayerSpec, type QuantSpec } from '@machop/core/base';
import { quantize, quantizeToInteger } from '@machop/graph/fixed';
import type { GraphNode, Weights } from '@machop/graph';
import type { OnnxGraphBuilder } from './onnx-graph.js';
import { checkWidth, emitQuantizer, encodeBias, storageType } from './quantizer.js';

/** The batch norm epsilon our models use when a layer names none (as the engines do). */
const BATCH_NORM_EPSILON = 1e-5;

const ACTIVATION_OPS: Record<string, string | undefined> = {
  relu: 'Relu',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  elu: 'Elu',
  selu: 'Selu',
  linear: undefined,
};

/**
 * What a layer emitter needs: where to add nodes, the weights by tfjs name, and whether the
 * model is exported quantized (each layer's `quant` honoured, batch norm written as the engines
 * compute it so that the next quantizer rounds the very same float32 values).
 */
export interface LayerEmitContext {
  builder: OnnxGraphBuilder;
  weights: Weights;
  quantized: boolean;
}

function weightOf(context: LayerEmitContext, node: GraphNode, argument: string): Float32Array {
  const name = node.args[argument]?.weightName ?? argument;
  const values = context.weights.get(name);
  if (!values)
    throw new ModelError(
      `node ${node.name}: weight "${name}" is missing from the checkpoint; export a checkpoint saved by ch train or ch transform`,
    );
  return values;
}

/** Add the ONNX nodes of one layer node reading `input`; returns the name of its output. */
export function emitLayer(context: LayerEmitContext, node: GraphNode, input: string): string {
  const layer = node.layer as LayerSpec;
  switch (layer.type) {
    case 'dense':
      return emitDense(context, node, layer, input);
    case 'batchNorm':
      return emitBatchNorm(context, node, layer, input);
    case 'activation': {
      const op = ACTIVATION_OPS[layer.activation];
      const quant = context.quantized ? layer.quant : undefined;
      let value = input;
      if (quant?.dataIn) {
        checkWidth(quant.dataIn, node.name, 'data_in');
        // MASE's ReLUInteger rounds (never floor), unsigned for a ReLU.
        value = emitQuantizer(
          context.builder,
          value,
          quant.dataIn,
          { unsigned: layer.activation === 'relu' },
          `${node.name}/data_in`,
        );
      }
      if (op === undefined) return value;
      return context.builder.node(
        op,
        node.name,
        [value],
        layer.activation === 'elu' ? { alpha: 1 } : {},
      );
    }
    case 'dropout':
      // Dropout does nothing at inference.
      return input;
    default:
      throw new ModelError(
        `node ${node.name}: layer type "${(layer as { type: string }).type}" has no ONNX mapping; export a model of dense, batch norm, activation and dropout layers`,
      );
  }
}

function emitDense(
  context: LayerEmitContext,
  node: GraphNode,
  layer: Extract<LayerSpec, { type: 'dense' }>,
  input: string,
): string {
  const { builder } = context;
  const quant: QuantSpec = (context.quantized ? layer.quant : undefined) ?? {};
  const floor = quant.floor === true;
  const kernel = weightOf(context, node, 'weight');
  const inputs = kernel.length / layer.units;
  let x = input;
  if (quant.dataIn) {
    checkWidth(quant.dataIn, node.name, 'data_in');
    x = emitQuantizer(builder, x, quant.dataIn, { floor }, `${node.name}/data_in`);
  }
  let weight: string;
  if (quant.weight) {
    checkWidth(quant.weight, node.name, 'weight');
    const type = storageType(quant.weight.width);
    const steps = Array.from(kernel, (value) => quantizeToInteger(value, quant.weight!, { floor }));
    weight = builder.node('DequantizeLinear', `${node.name}/weight`, [
      builder.constant(`${node.name}/weight_steps`, type, [inputs, layer.units], steps),
      builder.scalar(`${node.name}/weight_scale`, 'float', 2 ** -quant.weight.frac),
      builder.scalar(`${node.name}/weight_zero_point`, type, 0),
    ]);
  } else weight = builder.constant(`${node.name}/weight`, 'float', [inputs, layer.units], kernel);
  const gemmInputs = [x, weight];
  if (node.args.bias) gemmInputs.push(emitBias(context, node, quant));
  let out = builder.node('Gemm', node.name, gemmInputs);
  if (quant.dataOut) {
    checkWidth(quant.dataOut, node.name, 'data_out');
    out = emitQuantizer(builder, out, quant.dataOut, { floor }, `${node.name}/data_out`);
  }
  return out;
}

function emitBias(context: LayerEmitContext, node: GraphNode, quant: QuantSpec): string {
  const { builder } = context;
  const bias = weightOf(context, node, 'bias');
  const floor = quant.floor === true;
  if (!quant.bias) return builder.constant(`${node.name}/bias`, 'float', [bias.length], bias);
  checkWidth(quant.bias, node.name, 'bias');
  const encoded =
    quant.dataIn && quant.weight
      ? encodeBias(bias, quant.bias, quant.dataIn.frac, quant.weight.frac, floor)
      : undefined;
  if (encoded)
    return builder.node('DequantizeLinear', `${node.name}/bias`, [
      builder.constant(`${node.name}/bias_steps`, 'int32', [bias.length], encoded.values),
      builder.scalar(`${node.name}/bias_scale`, 'float', 2 ** -encoded.frac),
    ]);
  // The grid values themselves, exact in float32 for widths up to 16.
  const values = Array.from(bias, (value) => quantize(value, quant.bias!, { floor }));
  return builder.constant(`${node.name}/bias`, 'float', [bias.length], values);
}

function emitBatchNorm(
  context: LayerEmitContext,
  node: GraphNode,
  layer: Extract<LayerSpec, { type: 'batchNorm' }>,
  input: string,
): string {
  const { builder } = context;
  const gamma = weightOf(context, node, 'weight');
  const beta = weightOf(context, node, 'bias');
  const mean = weightOf(context, node, 'running_mean');
  const variance = weightOf(context, node, 'running_var');
  const epsilon = layer.epsilon ?? BATCH_NORM_EPSILON;
  const width = gamma.length;
  if (!context.quantized)
    return builder.node(
      'BatchNormalization',
      node.name,
      [
        input,
        builder.constant(`${node.name}/gamma`, 'float', [width], gamma),
        builder.constant(`${node.name}/beta`, 'float', [width], beta),
        builder.constant(`${node.name}/mean`, 'float', [width], mean),
        builder.constant(`${node.name}/variance`, 'float', [width], variance),
      ],
      { epsilon },
    );
  // As the engines evaluate it: one float32 scale and shift per channel, computed in double, then
  // x * scale + shift in float32. ONNX Runtime's BatchNormalization derives its own scale and
  // shift in float32, which may differ by an ulp, and a quantizer after it would turn that ulp
  // into a whole step on the rare value that sits on a rounding boundary.
  const scale = new Float32Array(width);
  const shift = new Float32Array(width);
  for (let channel = 0; channel < width; channel++) {
    const factor = gamma[channel] / Math.sqrt(variance[channel] + epsilon);
    scale[channel] = factor;
    shift[channel] = beta[channel] - mean[channel] * factor;
  }
  const scaled = builder.node('Mul', `${node.name}/scaled`, [
    input,
    builder.constant(`${node.name}/scale`, 'float', [width], scale),
  ]);
  return builder.node('Add', node.name, [
    scaled,
    builder.constant(`${node.name}/shift`, 'float', [width], shift),
  ]);
}
