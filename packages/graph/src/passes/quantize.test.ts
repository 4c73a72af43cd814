import { describe, expect, it } from 'vitest';
import type { LayerSpec } from '@machop/core/base';
import { readQuantFixture } from '../fixture.js';
import {
  forward,
  graphOf,
  layersOf,
  nodeNamed,
  quantizeGraph,
  quantizeHistogramCsv,
  quantizeTableCsv,
  weightsByName,
} from '../index.js';

const fixture = readQuantFixture();
const [tiny, custom] = fixture.models;
const linear84 = {
  name: 'integer',
  data_in_width: 8,
  data_in_frac_width: 4,
  weight_width: 8,
  weight_frac_width: 4,
  bias_width: 8,
  bias_frac_width: 4,
};
// MASE's configs/examples/jsc_toy_by_type.toml, [passes.quantize].
const byType = {
  by: 'type',
  default: { config: { name: 'NA' } },
  linear: { config: linear84 },
} as const;

describe('quantize by type (MASE jsc_toy_by_type.toml) on jsc-tiny', () => {
  const { graph, info } = quantizeGraph(graphOf(tiny.floatLayers, fixture), { ...byType });

  it("writes MASE's quantize_table.csv: 6 rows, only seq_blocks_2 changed", () => {
    expect(quantizeTableCsv(info.table)).toBe(
      [
        ',Ori name,New name,MASE_TYPE,Mase_OP,Original type,Quantized type,Changed',
        '0,x,x,placeholder,placeholder,x,x,False',
        '1,seq_blocks_0,seq_blocks_0,module,batch_norm1d,BatchNorm1d,BatchNorm1d,False',
        '2,seq_blocks_1,seq_blocks_1,module_related_func,relu,ReLU,ReLU,False',
        '3,seq_blocks_2,seq_blocks_2,module_related_func,linear,Linear,LinearInteger,True',
        '4,seq_blocks_3,seq_blocks_3,module_related_func,relu,ReLU,ReLU,False',
        '5,output,output,output,output,output,output,False',
        '',
      ].join('\n'),
    );
  });

  it("writes MASE's quantize_histogram.csv, one row per original type in pandas' order", () => {
    expect(quantizeHistogramCsv(info.histogram)).toBe(
      [
        'Original type,OP,Total,Changed,Unchanged',
        'BatchNorm1d,batch_norm1d,1,0,1',
        'Linear,linear,1,1,0',
        'ReLU,relu,2,0,2',
        'output,output,1,0,1',
        'x,placeholder,1,0,1',
        '',
      ].join('\n'),
    );
  });

  it('sets the QuantSpec and the integer precision, and its forward is PyTorch-exact', () => {
    const node = nodeNamed(graph, 'seq_blocks_2');
    const format = { width: 8, frac: 4 };
    expect(node.layer).toEqual({
      type: 'dense',
      units: 5,
      quant: { dataIn: format, weight: format, bias: format },
    });
    expect(node.args.weight.precision).toEqual({ type: 'integer', precision: [8, 4] });
    expect(node.args.data_out_0.precision).toEqual({ type: 'float', precision: [32] });
    const logits = forward(graph, weightsByName(tiny.weights), Float32Array.from(fixture.x), 8);
    const expected = tiny.cases.find((entry) => entry.config === 'linear-8-4')!.evalLogits;
    expected.forEach((value, index) => expect(logits[index]).toBeCloseTo(value, 5));
  });

  it('leaves the graph it was given alone', () => {
    const original = graphOf(tiny.floatLayers, fixture);
    quantizeGraph(original, { ...byType });
    expect(nodeNamed(original, 'seq_blocks_2').layer).toEqual({ type: 'dense', units: 5 });
  });
});

describe('quantize', () => {
  const layers: LayerSpec[] = custom.floatLayers;
  const graph = graphOf(layers, fixture);
  const changed = (info: { table: { changed: boolean; oriName: string }[] }) =>
    info.table.filter((row) => row.changed).map((row) => row.oriName);

  it("accepts MASE's report = true beside by", () => {
    const { info } = quantizeGraph(graph, { ...byType, report: true });
    expect(changed(info)).toEqual(['seq_blocks_2', 'seq_blocks_6', 'seq_blocks_10']);
  });

  it('by name quantizes the named node only, with the default elsewhere', () => {
    const { info } = quantizeGraph(graph, {
      by: 'name',
      default: { config: { name: 'NA' } },
      seq_blocks_6: { config: linear84 },
    });
    expect(changed(info)).toEqual(['seq_blocks_6']);
  });

  it('by regex_name matches whole names; a default config quantizes the rest', () => {
    const { graph: result, info } = quantizeGraph(graph, {
      by: 'regex_name',
      'seq_blocks_(2|6|10)': { config: linear84 },
      default: { config: { name: 'integer', data_in_width: 4, data_in_frac_width: 'NA' } },
    });
    // ReLUs take the default (4/2, unsigned); batch norms and dropout never change.
    expect(changed(info)).toEqual([
      'seq_blocks_1',
      'seq_blocks_2',
      'seq_blocks_4',
      'seq_blocks_6',
      'seq_blocks_8',
      'seq_blocks_10',
      'seq_blocks_12',
    ]);
    expect(nodeNamed(result, 'seq_blocks_4').layer).toMatchObject({
      quant: { dataIn: { width: 4, frac: 2 } },
    });
  });

  it('"fixed" takes data_out and floor, and records fixed precision; bias falls back to the weight', () => {
    const { graph: result } = quantizeGraph(graph, {
      by: 'type',
      linear: {
        config: {
          name: 'fixed',
          data_in_width: 8,
          data_in_frac_width: 4,
          weight_width: 6,
          weight_frac_width: 3,
          data_out_width: 8,
          data_out_frac_width: 4,
          floor: true,
        },
      },
    });
    const node = nodeNamed(result, 'seq_blocks_2');
    expect(node.layer).toMatchObject({
      quant: { bias: { width: 6, frac: 3 }, dataOut: { width: 8, frac: 4 }, floor: true },
    });
    expect(node.args.data_out_0.precision).toEqual({ type: 'fixed', precision: [8, 4] });
  });

  it('keeps "fixed" through layersOf and graphOf, as a checkpoint round trip does', () => {
    const fixed = { ...linear84, name: 'fixed' };
    const { graph: result, info } = quantizeGraph(graph, { by: 'type', linear: { config: fixed } });
    const rebuilt = graphOf(layersOf(result), fixture);
    for (const argument of ['data_in_0', 'weight', 'bias'])
      expect(nodeNamed(rebuilt, 'seq_blocks_2').args[argument].precision).toEqual({
        type: 'fixed',
        precision: [8, 4],
      });
    // MASE maps "linear_fixed" to LinearInteger: the table names the module, not the config.
    expect(info.table[3].quantizedType).toBe('LinearInteger');
    const integer = quantizeGraph(graph, { by: 'type', linear: { config: linear84 } }).graph;
    const weight = nodeNamed(graphOf(layersOf(integer), fixture), 'seq_blocks_2').args.weight;
    expect(weight.precision.type).toBe('integer');
  });

  it('says which key is wrong and how to fix it', () => {
    expect(() => quantizeGraph(graph, { by: 'kind' })).toThrow(
      /passes\.quantize\.by = "kind" is not supported; use "type", "name" or "regex_name"/,
    );
    expect(() =>
      quantizeGraph(graph, { by: 'type', linear: { config: { name: 'integer' } } }),
    ).toThrow(/passes\.quantize\.linear\.config\.data_in_width is missing/);
    expect(() =>
      quantizeGraph(graph, { by: 'type', linear: { config: { name: 'minifloat_ieee' } } }),
    ).toThrow(/"minifloat_ieee" is not supported; use "integer", "fixed" or "NA"/);
    expect(() =>
      quantizeGraph(graph, { by: 'type', linear: { config: { ...linear84, weight_width: 0 } } }),
    ).toThrow(/passes\.quantize\.linear\.config\.weight: width must be an integer/);
    expect(() => quantizeGraph(graph, { by: 'type', linear: 8 })).toThrow(
      /passes\.quantize\.linear must be a table with a config table/,
    );
  });
});
