import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LayerSpec } from '@machop/core/base';
import { graphOf, readMaseConfig } from '@machop/graph';
import { describe, expect, it } from 'vitest';
import { readSearchTables } from '../config.js';
import { costMetrics } from '../metrics/cost.js';
import { mixedPrecisionSpace } from './mixed-precision.js';

// MASE's own example config, unmodified (committed by @machop/graph with its SOURCE note).
const MASE_CONFIG = path.resolve(
  import.meta.dirname,
  '../../../graph/fixtures/jsc_toy_by_type.toml',
);

/** jsc-tiny's layers: BatchNorm1d(16), ReLU, Linear(16, 5), ReLU (MASE's seq_blocks_0..3). */
const JSC_TINY: LayerSpec[] = [
  { type: 'batchNorm' },
  { type: 'activation', activation: 'relu' },
  { type: 'dense', units: 5 },
  { type: 'activation', activation: 'relu' },
];
const tiny = () => graphOf(JSC_TINY, { features: 16, classes: 5 });

function maseSearch(by?: 'type' | 'name') {
  let text = readFileSync(MASE_CONFIG, 'utf8');
  if (by) text = text.replace('by = "name"', `by = "${by}"`);
  const config = readMaseConfig(text, MASE_CONFIG, { tables: ['search'] });
  return readSearchTables(config.tables.search, MASE_CONFIG);
}

describe('graph/quantize/mixed_precision_ptq', () => {
  it("reads MASE's example search tables as MASE does", () => {
    const settings = maseSearch();
    expect(settings.space?.name).toBe('graph/quantize/mixed_precision_ptq');
    expect(settings.strategy).toBe('tpe');
    expect(settings.trials).toBe(5);
    expect(settings.sumScaledMetrics).toBe(false);
    expect(settings.compareTo).toBe(32);
    expect(settings.metrics).toEqual([
      { name: 'accuracy', scale: 1, direction: 'maximize' },
      { name: 'average_bitwidth', scale: 0.2, direction: 'minimize' },
    ]);
  });

  it('gives jsc-tiny by name 2 x 3 x 3 = 18 configurations, numbers as ordinal choices', () => {
    for (const by of ['name', 'type'] as const) {
      const { space } = mixedPrecisionSpace.build(maseSearch(by).space!.config, tiny());
      expect(space).toEqual({
        'seq_blocks_2/config/data_in_width': { kind: 'ordinal', choices: [4, 8] },
        'seq_blocks_2/config/weight_width': { kind: 'ordinal', choices: [2, 4, 8] },
        'seq_blocks_2/config/bias_width': { kind: 'ordinal', choices: [2, 4, 8] },
      });
    }
  });

  it('quantizes the chosen node and counts its costs as computed by hand', () => {
    const built = mixedPrecisionSpace.build(maseSearch().space!.config, tiny());
    const { candidate, config } = built.realize({
      'seq_blocks_2/config/data_in_width': 8,
      'seq_blocks_2/config/weight_width': 4,
      'seq_blocks_2/config/bias_width': 2,
    });
    expect(config).toMatchObject({
      by: 'name',
      seq_blocks_1: { config: { name: 'NA' } },
      seq_blocks_2: {
        config: { name: 'integer', data_in_width: 8, weight_width: 4, weight_frac_width: 'NA' },
      },
    });
    const linear = candidate.nodes.find((node) => node.name === 'seq_blocks_2')!;
    expect(linear.args.weight.precision).toEqual({ type: 'integer', precision: [4, 2] });
    expect(linear.args.bias.precision).toEqual({ type: 'integer', precision: [2, 1] });
    expect(candidate.nodes.find((node) => node.name === 'seq_blocks_1')!.layer).not.toHaveProperty(
      'quant',
    );
    expect(costMetrics(candidate, 32)).toEqual({
      // The only quantized linear layer's weight width.
      average_bitwidth: 4,
      memory_density: 8,
      // Batch norm: 4 vectors of 16 at 32 bits; linear: 80 weights at 4 bits, 5 biases at 2.
      model_size_bits: 4 * 16 * 32 + 80 * 4 + 5 * 2,
      // Linear: 80 MACs of 8-bit inputs by 4-bit weights; batch norm: 16 float MACs.
      bitops: 80 * 8 * 4 + 16 * 32 * 32,
      // PyTorch's count for jsc-tiny: 16 + 16 + 80 + 5.
      parameters: 117,
    });
  });

  it('refuses a seed that gives no node a choice, and a choice the quantizer would refuse', () => {
    expect(() =>
      mixedPrecisionSpace.build(
        { setup: { by: 'name' }, seed: { default: { config: { name: ['NA'] } } } },
        tiny(),
      ),
    ).toThrowError(
      /gives no node of the model a choice \(its quantizable nodes are seq_blocks_1, seq_blocks_2, seq_blocks_3\)/,
    );
    expect(() =>
      mixedPrecisionSpace.build(
        {
          setup: { by: 'type' },
          seed: {
            linear: {
              config: { name: ['integer', 'minifloat'], data_in_width: [8], weight_width: [4] },
            },
          },
        },
        tiny(),
      ),
    ).toThrowError(/name = "minifloat" is not supported/);
    expect(() =>
      mixedPrecisionSpace.build({ setup: { by: 'regex' }, seed: {} }, tiny()),
    ).toThrowError(/setup.by = "regex" is not valid; use by = "name" or by = "type"/);
  });
});

describe('average_bitwidth', () => {
  it("averages the quantized linear layers' weight widths over their weights, as MASE does", () => {
    const layers: LayerSpec[] = [
      {
        type: 'dense',
        units: 8,
        quant: {
          dataIn: { width: 8, frac: 4 },
          weight: { width: 4, frac: 2 },
          bias: { width: 4, frac: 2 },
        },
      },
      { type: 'dense', units: 8 },
      {
        type: 'dense',
        units: 5,
        quant: {
          dataIn: { width: 8, frac: 4 },
          weight: { width: 8, frac: 4 },
          bias: { width: 8, frac: 4 },
        },
      },
    ];
    const graph = graphOf(layers, { features: 16, classes: 5 });
    // The float middle layer is left out: (16*8*4 + 8*5*8) / (16*8 + 8*5).
    expect(costMetrics(graph, 32).average_bitwidth).toBeCloseTo((512 + 320) / 168, 12);
    expect(
      costMetrics(graphOf([{ type: 'dense', units: 5 }], { features: 16, classes: 5 }))
        .average_bitwidth,
    ).toBe(32);
  });
});
