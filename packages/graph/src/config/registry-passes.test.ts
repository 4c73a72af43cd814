import { definePlugin, getRegistry, loadPlugins } from '@machop/core/base';
import { describe, expect, it } from 'vitest';
import { readQuantFixture } from '../fixture.js';
import {
  BUILT_IN_PASSES,
  graphOf,
  graphPassesPlugin,
  readMaseConfig,
  runPasses,
  type GraphPassEntry,
} from '../index.js';

const fixture = readQuantFixture();
const graph = graphOf(fixture.models[0].floatLayers, fixture);

// A plugin's pass: counts the nodes of one op, a TOML argument.
const countOp: GraphPassEntry = {
  description: 'how many nodes have the op given as op = "..."',
  run: (input, args) => ({
    graph: input,
    info: { count: input.nodes.filter((node) => node.op === args.op).length },
  }),
};
const plugin = definePlugin({
  name: 'count-op-plugin',
  apiVersion: 1,
  setup(registry) {
    registry.passes.add('count_op', countOp);
  },
});

describe('passes in the registry', () => {
  it('the built-in passes register through graphPassesPlugin, with their plugin', async () => {
    await loadPlugins([graphPassesPlugin]);
    const registered = getRegistry().passes.list();
    expect(registered.map((entry) => [entry.name, entry.plugin])).toEqual(
      Object.keys(BUILT_IN_PASSES)
        .sort()
        .map((name) => [name, '@machop/graph']),
    );
    expect(getRegistry().passes.get('profile_statistics').data).toBe(true);
  });

  it("a plugin's pass runs from a [passes.NAME] table, beside the built-in ones", async () => {
    await loadPlugins([plugin]);
    const config = readMaseConfig(
      '[passes.count_op]\nop = "relu"\n[passes.report_graph]\n',
      'plugin.toml',
    );
    expect(config.notes).toEqual([]);
    const { reports } = runPasses(graph, config.passes);
    expect(reports[0]).toEqual({ name: 'count_op', info: { count: 2 } });
    expect(reports[1].name).toBe('report_graph');
  });

  it('a pass name no pass has is one note with the closest names', () => {
    const config = readMaseConfig('[passes.count_ops]\n[passes.quantise]\nby = "type"\n', 'x.toml');
    expect(config.passes).toEqual([]);
    expect(config.notes).toEqual([
      'x.toml: [passes.count_ops] is skipped: there is no pass "count_ops": did you mean "count_op", "count"? (run "ch list passes" to see all)',
      'x.toml: [passes.quantise] is skipped: there is no pass "quantise": did you mean "quantize"? (run "ch list passes" to see all)',
    ]);
    expect(() => runPasses(graph, [{ name: 'quantise', args: {} }])).toThrow(
      /^there is no pass "quantise": did you mean "quantize"\?/,
    );
  });
});
