import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readQuantFixture } from '../fixture.js';
import {
  graphOf,
  readMaseConfig,
  runPasses,
  statisticsOf,
  weightsByName,
  type NodeMetaRow,
  type ProfileRow,
} from '../index.js';

const source = readFileSync(new URL('../../fixtures/stat.toml', import.meta.url), 'utf8');
const fixture = readQuantFixture();
const tiny = fixture.models[0];

describe("MASE's configs/stats/stat.toml, unmodified, on jsc-tiny", () => {
  const config = readMaseConfig(source, 'stat.toml');

  it('runs profile_statistics then report_node_meta_param, and notes save_node_meta_param', () => {
    expect(config.passes.map((step) => step.name)).toEqual([
      'profile_statistics',
      'report_node_meta_param',
    ]);
    expect(config.notes).toContainEqual(
      expect.stringMatching(/^stat\.toml: \[passes\.save_node_meta_param\] is skipped/),
    );
  });

  it("profiles linear weights and relu/linear inputs with MASE's quantile 0.5", () => {
    const weights = weightsByName(tiny.weights);
    const x = Float32Array.from(fixture.x);
    const { reports } = runPasses(graphOf(tiny.floatLayers, fixture), config.passes, {
      weights,
      x,
      rows: fixture.rows,
    });
    const profile = (reports[0].info as { rows: ProfileRow[] }).rows;
    expect(profile.map((row) => `${row.node}.${row.argument}`)).toEqual([
      'seq_blocks_1.data_in_0',
      'seq_blocks_2.data_in_0',
      'seq_blocks_2.weight',
      'seq_blocks_2.bias',
      'seq_blocks_3.data_in_0',
    ]);
    const kernel = profile.find((row) => row.argument === 'weight')!;
    expect(kernel).toMatchObject(statisticsOf(weights.get('dense_1/kernel')!, 0.5));
    // A quantile of 0.5 makes the range the median, at both ends.
    expect(kernel.range[0]).toBe(kernel.range[1]);
    const meta = (reports[1].info as { rows: NodeMetaRow[]; text: string }).text;
    expect(meta).toMatch(
      /seq_blocks_2 +linear +weight +\[16, 5\] +float +\[32\] +dense_1\/kernel +min /,
    );
  });
});
