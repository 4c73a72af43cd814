import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCh } from './run-ch.js';

// A graph pass from a plugin file (test/fixtures/count-op-plugin.mjs): `ch list passes` shows it
// with the built-in ones, and a `ch transform` config's [passes.count_op] table runs it.
const PLUGIN = path.resolve(import.meta.dirname, 'fixtures', 'count-op-plugin.mjs');

let dir: string;
let run: string;
const ch = (args: string[]) => runCh([...args, '--plugin', PLUGIN], { cwd: dir });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'machop-plugin-pass-'));
  const trained = await ch([
    'train',
    'mlp',
    'toy',
    '--hidden',
    '8',
    '--max-epochs',
    '1',
    '--project',
    'float',
    '--quiet',
  ]);
  expect(trained.code, trained.stderr).toBe(0);
  const root = path.join(dir, 'machop_output', 'float');
  run = path.join(root, (await readdir(root))[0]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a plugin's pass", () => {
  it('is listed by ch list passes with its plugin, beside the built-in passes', async () => {
    const listed = await ch(['list', 'passes']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^count_op\s+count-op-plugin\s+how many nodes/m);
    expect(listed.stdout).toMatch(/^quantize\s+@machop\/graph\s+MASE's integer/m);
  });

  it('runs from a [passes.NAME] table of ch transform, after a built-in pass', async () => {
    const config = path.join(dir, 'count.toml');
    await writeFile(config, '[passes.report_graph]\n[passes.count_op]\nop = "relu"\n');
    const result = await ch(['transform', '--config', config, '--load', run]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('== report_graph ==');
    // mlp --hidden 8: dense, batch norm, ReLU, dense.
    expect(result.stdout).toContain('== count_op ==\n1 nodes of op relu\n');
  });

  it('a misspelt pass is one note with the closest name; with no pass left, one error', async () => {
    const config = path.join(dir, 'typo.toml');
    await writeFile(config, '[passes.count_ops]\nop = "relu"\n');
    const result = await ch(['transform', '--config', config, '--load', run]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `note: ${config}: [passes.count_ops] is skipped: there is no pass "count_ops": did you mean "count_op", "count"? (run "ch list passes" to see all)`,
      `error: ${config} has no [passes.*] table; add one, such as [passes.quantize] with by = "type"`,
    ]);
  });
});
