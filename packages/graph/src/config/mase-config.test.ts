import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@machop/core/base';
import { readQuantFixture } from '../fixture.js';
import {
  graphOf,
  readMaseConfig,
  runPasses,
  transformFiles,
  weightsByName,
  type QuantizeInfo,
} from '../index.js';

const example = readFileSync(
  new URL('../../fixtures/jsc_toy_by_type.toml', import.meta.url),
  'utf8',
);
const fixture = readQuantFixture();
const tiny = fixture.models[0];

describe("readMaseConfig on MASE's jsc_toy_by_type.toml, unmodified", () => {
  const config = readMaseConfig(example, 'jsc_toy_by_type.toml');

  it('takes the training keys under ch flag names', () => {
    expect(config.settings).toEqual({
      model: 'jsc-tiny',
      dataset: 'jsc',
      'max-epochs': 5,
      'batch-size': 512,
      'learning-rate': 1e-2,
      project: 'jsc-tiny',
      seed: 42,
    });
    expect(config.style).toBe('graph');
  });

  it('keeps the quantize table as MASE wrote it', () => {
    expect(config.passes).toEqual([
      {
        name: 'quantize',
        args: {
          by: 'type',
          default: { config: { name: 'NA' } },
          linear: {
            config: {
              name: 'integer',
              data_in_width: 8,
              data_in_frac_width: 4,
              weight_width: 8,
              weight_frac_width: 4,
              bias_width: 8,
              bias_frac_width: 4,
            },
          },
        },
      },
    ]);
  });

  it('notes, without failing, what it cannot honour', () => {
    expect(config.notes).toEqual([
      'jsc_toy_by_type.toml: accelerator = "gpu" is ignored: Machop.ts computes on the CPU (WebAssembly or native tfjs)',
      'jsc_toy_by_type.toml: log_every_n_steps = 5 is ignored: every step is logged to metrics.jsonl',
      'jsc_toy_by_type.toml: [search] is ignored by ch transform',
    ]);
  });

  it('hands the tables a command asks for (ch search: [search]) over as they are', () => {
    const searching = readMaseConfig(example, 'jsc_toy_by_type.toml', { tables: ['search'] });
    expect(searching.notes).not.toContain(
      'jsc_toy_by_type.toml: [search] is ignored by ch transform',
    );
    expect(searching.tables.search).toMatchObject({
      search_space: { name: 'graph/quantize/mixed_precision_ptq', setup: { by: 'name' } },
      strategy: { setup: { n_trials: 5, sampler: 'tpe' } },
    });
    expect(config.tables).toEqual({});
  });

  it('runs its passes on jsc-tiny: one changed node, seq_blocks_2', () => {
    const { graph, reports } = runPasses(graphOf(tiny.floatLayers, fixture), config.passes);
    expect(reports.map((report) => report.name)).toEqual(['quantize']);
    const info = reports[0].info as QuantizeInfo;
    expect(info.table).toHaveLength(6);
    expect(info.table.filter((row) => row.changed).map((row) => row.oriName)).toEqual([
      'seq_blocks_2',
    ]);
    expect(graph.nodes[3].layer).toHaveProperty('quant');
    const files = transformFiles(reports);
    expect(files.map((file) => file.path)).toEqual([
      'quantize/quantize_table.csv',
      'quantize/quantize_histogram.csv',
    ]);
    expect(files[0].text.split('\n')[4]).toBe(
      '3,seq_blocks_2,seq_blocks_2,module_related_func,linear,Linear,LinearInteger,True',
    );
  });
});

describe('readMaseConfig', () => {
  it('runs passes in file order and notes the ones it lacks', () => {
    const config = readMaseConfig(
      [
        '[passes.report_graph]',
        '[passes.add_hardware_metadata]',
        '[passes.profile_statistics]',
        'num_samples = 4',
        '[passes.count]',
      ].join('\n'),
      'lab2.toml',
    );
    expect(config.passes.map((step) => step.name)).toEqual([
      'report_graph',
      'profile_statistics',
      'count',
    ]);
    expect(config.notes[0]).toMatch(/^lab2\.toml: \[passes\.add_hardware_metadata\] is skipped/);
    const graph = graphOf(tiny.floatLayers, fixture);
    const context = {
      weights: weightsByName(tiny.weights),
      x: Float32Array.from(fixture.x),
      rows: 8,
    };
    const { reports } = runPasses(graph, config.passes, context);
    expect(reports.map((report) => report.name)).toEqual(config.passes.map((step) => step.name));
    expect(() => runPasses(graph, config.passes)).toThrow(
      /profile_statistics needs a trained model and data: load a run/,
    );
  });

  it('takes passes a plugin adds', () => {
    const toml = '[passes.add_hardware_metadata]\nclock = 100\n';
    const config = readMaseConfig(toml, 'x.toml', { passes: ['add_hardware_metadata'] });
    const graph = graphOf(tiny.floatLayers, fixture);
    const addHardware = (input: typeof graph, args: { clock: number }) => ({
      graph: input,
      info: { clock: args.clock },
    });
    const { reports } = runPasses(graph, config.passes, {}, { add_hardware_metadata: addHardware });
    expect(reports).toEqual([{ name: 'add_hardware_metadata', info: { clock: 100 } }]);
    expect(() => runPasses(graph, config.passes)).toThrow(
      /there is no pass "add_hardware_metadata"; passes: report_graph/,
    );
  });

  it('reads "NA" as none and ignores unknown keys with a note', () => {
    const config = readMaseConfig('load_name = "NA"\nmystery = 1\n', 'x.toml');
    expect(config.settings).toEqual({});
    expect(config.notes).toEqual(['x.toml: mystery is not a Machop.ts setting; ignored']);
  });

  it.each([
    [
      'max_epochs = "five"',
      /^x\.toml: max_epochs = "five" is not valid; use a value such as max_epochs = 5$/,
    ],
    ['batch_size = 0', /batch_size = 0 is not valid; use a value such as batch_size = 256/],
    ['task = "lm"', /task = "lm" is not valid; Machop\.ts does classification only/],
    [
      '[transform]\nstyle = "module"',
      /transform\.style = "module" is not valid; .*style = "graph"/,
    ],
    ['passes = 3', /passes = 3 is not valid; write one table per pass/],
    ['max_epochs = = 5', /^x\.toml:1: not valid TOML: /],
  ])('rejects %j in one line', (source, message) => {
    let error: unknown;
    try {
      readMaseConfig(source, 'x.toml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('turns a bad pass argument into a ConfigError naming the key', () => {
    const config = readMaseConfig('[passes.quantize]\nby = "kind"\n', 'x.toml');
    const graph = graphOf(tiny.floatLayers, fixture);
    expect(() => runPasses(graph, config.passes)).toThrow(ConfigError);
    expect(() => runPasses(graph, config.passes)).toThrow(/passes\.quantize\.by = "kind"/);
  });
});
