import type { Scaler } from '@machop/core/base';
import type { Graph, Weights } from '@machop/graph';
import { emitLayer } from './layers.js';
import { onnx, OnnxGraphBuilder, rowsValue, tensorType } from './onnx-graph.js';

/** The opset of a float export: every op it uses is standard there, and tools have read it for years. */
export const FLOAT_OPSET = 17;
/** The opset of a quantized export: the first with int16 QuantizeLinear/DequantizeLinear. */
export const QUANTIZED_OPSET = 21;
/** The model's input: raw feature rows, `[batch, features]` float32, in the run's column order. */
export const INPUT_NAME = 'features';
/** The model's output: `[batch, classes]` float32 logits. */
export const OUTPUT_NAME = 'logits';

/** What {@link exportOnnx} exports: a model as data, with its weights and its run's names. */
export interface OnnxSource {
  /** The model's name (`jsc-tiny`): the ONNX graph's name and `machop.model` in the metadata. */
  model: string;
  /** The model graph (`graphOf`), each layer with its `quant` when the run is transformed. */
  graph: Graph;
  /** Weights by tfjs name. */
  weights: Weights;
  featureNames: readonly string[];
  classNames: readonly string[];
  /** The run's scaler; written into the model so that it reads raw rows. */
  scaler?: Scaler;
}

/** Options of {@link exportOnnx}. */
export interface OnnxExportOptions {
  /** The Machop.ts version recorded as producer and in `machop.version`. */
  version: string;
}

/** Whether any layer of `graph` carries a quantization. */
export function isQuantized(graph: Graph): boolean {
  return graph.nodes.some((node) => {
    const quant = (node.layer as { quant?: object } | undefined)?.quant;
    return quant !== undefined && Object.keys(quant).length > 0;
  });
}

/**
 * An ONNX model (`ModelProto` bytes) computing `source`'s logits from raw feature rows.
 *
 * The scaler comes first, as explicit ops in double precision (Cast, Sub mean, Div scale, Cast
 * back), which is the arithmetic `ch predict` applies, so the model takes rows as they are in a
 * data file. A float model is standard ONNX (opset {@link FLOAT_OPSET}): Gemm, BatchNormalization,
 * Relu and the other activations; dropout is left out. A transformed model (opset
 * {@link QUANTIZED_OPSET}) quantizes with QuantizeLinear/DequantizeLinear pairs at scale 2^-frac
 * that reproduce `@machop/graph`'s quantizer, so ONNX Runtime computes our arithmetic at every
 * graph optimization level.
 *
 * @example
 * const bytes = exportOnnx({ model: 'jsc-tiny', graph, weights, featureNames, classNames, scaler },
 *   { version: '0.1.0' });
 * await writeFile('jsc-tiny.onnx', bytes);
 */
export function exportOnnx(source: OnnxSource, options: OnnxExportOptions): Uint8Array {
  const { graph } = source;
  const quantized = isQuantized(graph);
  const builder = new OnnxGraphBuilder();
  builder.fresh(INPUT_NAME);
  builder.fresh(OUTPUT_NAME);
  let value = INPUT_NAME;
  if (source.scaler) value = emitScaler(builder, value, source.scaler);
  for (const node of graph.nodes)
    if (node.layer) value = emitLayer({ builder, weights: source.weights, quantized }, node, value);
  builder.nodes.push(
    onnx.NodeProto.create({
      opType: 'Identity',
      name: 'output',
      input: [value],
      output: [OUTPUT_NAME],
    }),
  );
  const opset = quantized ? QUANTIZED_OPSET : FLOAT_OPSET;
  const metadata: Record<string, string> = {
    'machop.model': source.model,
    'machop.version': options.version,
    'machop.classes': JSON.stringify(source.classNames),
    'machop.features': JSON.stringify(source.featureNames),
    'machop.quantized': String(quantized),
    'machop.scaler': source.scaler
      ? JSON.stringify({ applied: 'in the model', ...source.scaler })
      : 'none: the model reads the rows as given',
  };
  const model = onnx.ModelProto.create({
    // IR 8 goes with opset 17, IR 10 with opset 21 (onnx's version table).
    irVersion: quantized ? 10 : 8,
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'Machop.ts',
    producerVersion: options.version,
    docString: `${source.model}: logits of ${source.classNames.length} classes (${source.classNames.join(', ')}) from ${source.featureNames.length} raw features${quantized ? ', fixed-point as transformed' : ''}`,
    graph: {
      name: source.model,
      node: builder.nodes,
      initializer: builder.initializers,
      input: [rowsValue(INPUT_NAME, graph.features)],
      output: [rowsValue(OUTPUT_NAME, graph.classes)],
    },
    metadataProps: Object.entries(metadata).map(([key, entry]) => ({ key, value: entry })),
  });
  return onnx.ModelProto.encode(model).finish();
}

/** `(x - mean) / scale` in double, then float32: what `applyScaler` computes in JavaScript. */
function emitScaler(builder: OnnxGraphBuilder, input: string, scaler: Scaler): string {
  const width = scaler.mean.length;
  const wide = builder.node('Cast', 'scaler/double', [input], {
    to: { int: tensorType('double') },
  });
  const centred = builder.node('Sub', 'scaler/centred', [
    wide,
    builder.constant('scaler/mean', 'double', [width], scaler.mean),
  ]);
  const scaled = builder.node('Div', 'scaler/scaled', [
    centred,
    builder.constant('scaler/scale', 'double', [width], scaler.scale),
  ]);
  return builder.node('Cast', 'scaled', [scaled], { to: { int: tensorType('float') } });
}
