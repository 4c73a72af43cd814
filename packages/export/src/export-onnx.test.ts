import type { LayerSpec } from '@machop/core/base';
import { forward, graphOf } from '@machop/graph';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export-onnx.js';
import { onnx } from './onnx-graph.js';
import { LEVELS, runOnnx } from './test-support/ort-session.js';

const FEATURES = 4;
const CLASSES = 3;
const LAYERS: LayerSpec[] = [
  { type: 'batchNorm' },
  { type: 'activation', activation: 'relu' },
  { type: 'dense', units: 6 },
  { type: 'activation', activation: 'tanh' },
  { type: 'dropout', rate: 0.5 },
  { type: 'dense', units: CLASSES },
  { type: 'activation', activation: 'sigmoid' },
];
const shape = { features: FEATURES, classes: CLASSES };
/** Deterministic values in [-1, 1), different for each weight. */
const values = (length: number, seed: number) =>
  Float32Array.from({ length }, (_, index) => Math.sin(seed * 97 + index * 13.7));
const weights = new Map([
  ['batch_norm_1/gamma', values(FEATURES, 1)],
  ['batch_norm_1/beta', values(FEATURES, 2)],
  ['batch_norm_1/moving_mean', values(FEATURES, 3)],
  ['batch_norm_1/moving_variance', values(FEATURES, 4).map((value) => value + 1.5)],
  ['dense_1/kernel', values(FEATURES * 6, 5)],
  ['dense_1/bias', values(6, 6)],
  ['dense_2/kernel', values(6 * CLASSES, 7)],
  ['dense_2/bias', values(CLASSES, 8)],
]);
const scaler = { mean: [0.5, -1, 2, 0], scale: [2, 0.5, 3, 1] };
const source = {
  model: 'tiny-test',
  graph: graphOf(LAYERS, shape),
  weights,
  featureNames: ['a', 'b', 'c', 'd'],
  classNames: ['g', 'q', 'w'],
  scaler,
};

describe('exportOnnx', () => {
  it('names its input and output and records the model, classes, features and version', () => {
    const model = onnx.ModelProto.decode(exportOnnx(source, { version: '9.8.7' }));
    expect(model.opsetImport.map((set) => Number(set.version))).toEqual([17]);
    expect(model.producerName).toBe('Machop.ts');
    expect(model.graph!.input!.map((value) => value.name)).toEqual(['features']);
    expect(model.graph!.output!.map((value) => value.name)).toEqual(['logits']);
    const metadata = Object.fromEntries(model.metadataProps.map(({ key, value }) => [key, value]));
    expect(metadata['machop.model']).toBe('tiny-test');
    expect(metadata['machop.version']).toBe('9.8.7');
    expect(JSON.parse(metadata['machop.classes'])).toEqual(['g', 'q', 'w']);
    expect(JSON.parse(metadata['machop.features'])).toEqual(['a', 'b', 'c', 'd']);
    expect(JSON.parse(metadata['machop.scaler'])).toMatchObject(scaler);
    const ops = model.graph!.node!.map((node) => node.opType);
    expect(ops).toEqual(expect.arrayContaining(['BatchNormalization', 'Gemm', 'Relu', 'Tanh']));
    expect(ops).not.toContain('Dropout');
  });

  it("computes the golden model's float logits from raw rows, scaler included", async () => {
    const rows = 5;
    const raw = values(rows * FEATURES, 9).map((value) => value * 4);
    const scaled = raw.map(
      (value, index) => (value - scaler.mean[index % FEATURES]) / scaler.scale[index % FEATURES],
    );
    const expected = forward(source.graph, weights, scaled, rows, { quantized: false });
    const bytes = exportOnnx(source, { version: '0.0.0' });
    for (const level of LEVELS) {
      const logits = await runOnnx(bytes, raw, rows, level);
      logits.forEach((value, index) =>
        expect(Math.abs(value - expected[index])).toBeLessThan(1e-6),
      );
    }
  });

  it('names the node of a layer it cannot map', () => {
    const graph = graphOf(LAYERS, shape);
    (graph.nodes[2].layer as { type: string }).type = 'conv2d';
    expect(() => exportOnnx({ ...source, graph }, { version: '0.0.0' })).toThrow(
      /^node seq_blocks_1: layer type "conv2d" has no ONNX mapping/,
    );
  });
});
