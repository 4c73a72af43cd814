import { describe, expect, it } from 'vitest';
import { readQuantFixture } from '../fixture.js';
import {
  countGraph,
  graphOf,
  nodeNamed,
  profileStatistics,
  quantizeGraph,
  reportGraph,
  reportNodeMetaParam,
  statisticsOf,
  weightsByName,
} from '../index.js';

const fixture = readQuantFixture();
const tiny = fixture.models[0];
const graph = graphOf(tiny.floatLayers, fixture);
const weights = weightsByName(tiny.weights);

describe('report_graph', () => {
  it('lists every node with its shapes and counts the ops', () => {
    const { info } = reportGraph(graph);
    expect(info.opCounts).toEqual({
      placeholder: 1,
      batch_norm1d: 1,
      relu: 2,
      linear: 1,
      output: 1,
    });
    expect(info.rows[3]).toMatchObject({
      name: 'seq_blocks_2',
      inputShape: [16],
      outputShape: [5],
    });
    expect(info.text).toMatch(/seq_blocks_2 +linear +module_related_func +Linear +\[16\] +\[5\]/);
    expect(info.text).toMatch(/Network overview: placeholder: 1, batch_norm1d: 1, relu: 2/);
  });
});

describe('report_node_meta_param', () => {
  it("gives each argument's shape, precision and weight name", () => {
    const { info } = reportNodeMetaParam(graph);
    expect(info.rows).toContainEqual({
      node: 'seq_blocks_2',
      op: 'linear',
      argument: 'weight',
      shape: [16, 5],
      type: 'float',
      precision: [32],
      weightName: 'dense_1/kernel',
    });
    expect(info.text).toMatch(/seq_blocks_0 +batch_norm1d +running_var/);
  });
});

describe('statisticsOf', () => {
  it('gives min, max, mean, population variance and an interpolated quantile range', () => {
    const stats = statisticsOf([4, 1, 3, 2, 5], 0.75);
    expect(stats).toEqual({
      count: 5,
      min: 1,
      max: 5,
      mean: 3,
      variance: 2,
      range: [2, 4],
      quantile: 0.75,
    });
    const [low, high] = statisticsOf([0, 10], 0.975).range;
    expect(low).toBeCloseTo(0.25, 12);
    expect(high).toBeCloseTo(9.75, 12);
  });
});

describe('profile_statistics', () => {
  const x = Float32Array.from(fixture.x);

  it("measures weights and the float forward's activations over the sample rows", () => {
    const { graph: profiled, info } = profileStatistics(graph, { weights, x, rows: 8 });
    const linear = nodeNamed(profiled, 'seq_blocks_2');
    expect(linear.args.weight.statistics).toEqual(statisticsOf(weights.get('dense_1/kernel')!));
    // The input of the first layer is x itself; a ReLU's output is never negative.
    expect(nodeNamed(profiled, 'seq_blocks_0').args.data_in_0.statistics).toEqual(statisticsOf(x));
    expect(nodeNamed(profiled, 'seq_blocks_1').args.data_out_0.statistics!.min).toBe(0);
    expect(nodeNamed(profiled, 'output').args.data_in_0.statistics!.max).toBeCloseTo(
      Math.max(...tiny.floatEvalLogits),
      5,
    );
    expect(
      info.rows.find((row) => row.node === 'seq_blocks_2' && row.argument === 'bias'),
    ).toBeDefined();
    expect(graph.nodes[3].args.weight.statistics).toBeUndefined();
  });

  it("profiles only MASE's targets: weights of linear, inputs of relu", () => {
    const { info } = profileStatistics(graph, {
      weights,
      x,
      rows: 8,
      by: 'type',
      target_weight_nodes: ['linear'],
      target_activation_nodes: 'relu',
    });
    expect(info.rows.map((row) => `${row.node}.${row.argument}`)).toEqual([
      'seq_blocks_1.data_in_0',
      'seq_blocks_2.weight',
      'seq_blocks_2.bias',
      'seq_blocks_3.data_in_0',
    ]);
    const byName = profileStatistics(graph, {
      weights,
      x,
      rows: 8,
      by: 'name',
      target_weight_nodes: [],
      target_activation_nodes: ['seq_blocks_3'],
      profile_output_activation: true,
    }).info;
    expect(byName.rows.map((row) => `${row.node}.${row.argument}`)).toEqual([
      'seq_blocks_3.data_in_0',
      'seq_blocks_3.data_out_0',
    ]);
  });

  it('uses only num_samples rows, and names a bad quantile', () => {
    const { graph: profiled } = profileStatistics(graph, { weights, x, rows: 8, num_samples: 2 });
    expect(nodeNamed(profiled, 'x').args.data_out_0.statistics!.count).toBe(32);
    expect(() => profileStatistics(graph, { weights, x, rows: 8, quantile: 2 })).toThrow(
      /passes\.profile_statistics quantile must be from 0\.5 to 1/,
    );
  });
});

describe('count', () => {
  it("counts jsc-tiny's 117 parameters, its MACs and float BitOPs", () => {
    const { info } = countGraph(graph);
    expect(info.total.parameters).toBe(117);
    expect(info.total.macs).toBe(80 + 16);
    expect(info.total.bitOps).toBe(96 * 32 * 32);
    expect(info.total.memoryBits).toBe((85 + 64) * 32);
  });

  it('counts BitOPs and memory at the quantized widths', () => {
    const format = (width: number) => ({
      data_in_width: width,
      data_in_frac_width: 'NA',
      weight_width: width,
      weight_frac_width: 'NA',
    });
    const quantized = quantizeGraph(graph, {
      by: 'type',
      linear: { config: { name: 'integer', ...format(8), bias_width: 4, bias_frac_width: 2 } },
    }).graph;
    const { info } = countGraph(quantized);
    const linear = info.nodes.find((row) => row.node === 'seq_blocks_2')!;
    expect(linear).toEqual({
      node: 'seq_blocks_2',
      op: 'linear',
      parameters: 85,
      macs: 80,
      bitOps: 80 * 8 * 8,
      memoryBits: 80 * 8 + 5 * 4,
    });
  });
});
