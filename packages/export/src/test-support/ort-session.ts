import * as ort from 'onnxruntime-node';
import { onnx, rowsValue, type OnnxGraphBuilder } from '../onnx-graph.js';

/** ONNX Runtime's graph optimization levels, from none to all. */
export const LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;

/** The bytes of a one-input, one-output model of `builder`'s nodes (input `x`, output `y`). */
export function modelBytes(
  builder: OnnxGraphBuilder,
  output: string,
  widths: { in: number; out: number },
  opset = 21,
): Uint8Array {
  builder.nodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [output], output: ['y'] }));
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 10,
      opsetImport: [{ domain: '', version: opset }],
      graph: {
        name: 'test',
        node: builder.nodes,
        initializer: builder.initializers,
        input: [rowsValue('x', widths.in)],
        output: [rowsValue('y', widths.out)],
      },
    }),
  ).finish();
}

/** Run `bytes` on `rows` rows of `x` with ONNX Runtime at `level`; returns its first output. */
export async function runOnnx(
  bytes: Uint8Array,
  x: Float32Array,
  rows: number,
  level: (typeof LEVELS)[number],
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, {
    graphOptimizationLevel: level,
    intraOpNumThreads: 1,
  });
  try {
    const feeds = {
      [session.inputNames[0]]: new ort.Tensor('float32', x, [rows, x.length / rows]),
    };
    const result = await session.run(feeds);
    return result[session.outputNames[0]].data as Float32Array;
  } finally {
    await session.release();
  }
}
