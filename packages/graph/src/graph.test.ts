import { describe, expect, it } from 'vitest';
import type { LayerSpec } from '@machop/core/base';
import { graphOf, layersOf, maseNodePrefix, nodeNamed } from './index.js';

const jscTiny: LayerSpec[] = [
  { type: 'batchNorm' },
  { type: 'activation', activation: 'relu' },
  { type: 'dense', units: 5 },
  { type: 'activation', activation: 'relu' },
];
const shape = { features: 16, classes: 5 };

describe('graphOf', () => {
  it("names jsc-tiny's nodes as MASE does, with MASE's ops and types", () => {
    const graph = graphOf(jscTiny, shape);
    expect(graph.nodes.map((node) => [node.name, node.op, node.type, node.moduleType])).toEqual([
      ['x', 'placeholder', 'placeholder', 'x'],
      ['seq_blocks_0', 'batch_norm1d', 'module', 'BatchNorm1d'],
      ['seq_blocks_1', 'relu', 'module_related_func', 'ReLU'],
      ['seq_blocks_2', 'linear', 'module_related_func', 'Linear'],
      ['seq_blocks_3', 'relu', 'module_related_func', 'ReLU'],
      ['output', 'output', 'output', 'output'],
    ]);
  });

  it('keeps tfjs weight names and shapes on the parameters, and float precision by default', () => {
    const linear = nodeNamed(graphOf(jscTiny, shape), 'seq_blocks_2');
    expect(linear.args.weight).toEqual({
      shape: [16, 5],
      precision: { type: 'float', precision: [32] },
      weightName: 'dense_1/kernel',
    });
    expect(linear.args.bias.weightName).toBe('dense_1/bias');
    expect(linear.args.data_in_0.shape).toEqual([16]);
    expect(linear.args.data_out_0.shape).toEqual([5]);
    const norm = nodeNamed(graphOf(jscTiny, shape), 'seq_blocks_0');
    expect(norm.args.running_var.weightName).toBe('batch_norm_1/moving_variance');
  });

  it("reads each argument's precision from the layer's quant", () => {
    const quantized: LayerSpec[] = jscTiny.map((layer) =>
      layer.type === 'dense'
        ? { ...layer, quant: { dataIn: { width: 8, frac: 4 }, weight: { width: 4, frac: 2 } } }
        : layer,
    );
    const linear = nodeNamed(graphOf(quantized, shape), 'seq_blocks_2');
    expect(linear.args.data_in_0.precision).toEqual({ type: 'integer', precision: [8, 4] });
    expect(linear.args.weight.precision).toEqual({ type: 'integer', precision: [4, 2] });
    expect(linear.args.bias.precision).toEqual({ type: 'float', precision: [32] });
    expect(layersOf(graphOf(quantized, shape))).toEqual(quantized);
  });

  it("names jsc-s's nodes as MASE's ModuleList does", () => {
    const graph = graphOf(jscTiny, shape, { prefix: maseNodePrefix('jsc-s') });
    expect(graph.nodes[3].name).toBe('module_list_2');
    expect(maseNodePrefix('jsc-tiny')).toBe('seq_blocks');
  });

  it('says which width is wrong when the layers do not end at the classes', () => {
    expect(() => graphOf(jscTiny, { features: 16, classes: 3 })).toThrow(
      /ends with width 5, but the data has 3 classes/,
    );
    expect(() => nodeNamed(graphOf(jscTiny, shape), 'seq_blocks_9')).toThrow(
      /nodes: x, seq_blocks_0/,
    );
  });
});
