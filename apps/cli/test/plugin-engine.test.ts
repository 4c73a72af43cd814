import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeEngineConformance } from '@machop/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoopsEngine } from './fixtures/loops-engine-plugin.mjs';
import { runCh } from './run-ch.js';

// A third-party engine in a plugin file (test/fixtures/loops-engine-plugin.mjs): it passes the
// conformance suite every engine runs, `ch list engines` shows it with its plugin, and
// `--engine loops` trains and tests on it.
const PLUGIN = path.resolve(import.meta.dirname, 'fixtures', 'loops-engine-plugin.mjs');

describeEngineConformance('loops (a plugin file)', {
  create: (request) => new LoopsEngine(request),
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'machop-plugin-engine-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ch = (args: string[]) => runCh([...args, '--plugin', PLUGIN], { cwd: dir });
const SMALL = ['mlp', 'toy', '--hidden', '8', '--no-batch-norm', '--max-epochs', '2'];
const runsOf = async (project: string) => {
  const root = path.join(dir, 'machop_output', project);
  return existsSync(root) ? (await readdir(root)).map((run) => path.join(root, run)) : [];
};

describe("a plugin's engine", () => {
  it('is listed by ch list engines with its plugin, after the built-in ones by priority', async () => {
    const text = await ch(['list', 'engines']);
    expect(text.code, text.stderr).toBe(0);
    const names = text.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/\s+/).slice(0, 3));
    expect(names).toEqual([
      ['fused', '@machop/engine-fused', '10'],
      ['tfjs', '@machop/trainer', '0'],
      ['loops', 'machop-plugin-loops', '-1'],
    ]);
    const json = await ch(['list', 'engines', '--json']);
    expect(JSON.parse(json.stdout)).toContainEqual({
      name: 'loops',
      description: 'plain JavaScript loops for dense layers and ReLUs (an example plugin engine)',
      plugin: 'machop-plugin-loops',
      priority: -1,
    });
  });

  it('trains and tests with --engine loops, recorded in config.json and test.json', async () => {
    const trained = await ch(['train', ...SMALL, '--engine', 'loops', '--project', 'loops']);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stderr).toMatch(/^engine: loops/m);
    const [run] = await runsOf('loops');
    const config = JSON.parse(await readFile(path.join(run, 'config.json'), 'utf8'));
    expect(config.engine).toMatchObject({ requested: 'loops', used: 'loops' });
    const tested = await ch(['test', '--load', run, '--engine', 'loops']);
    expect(tested.code, tested.stderr).toBe(0);
    const report = JSON.parse(await readFile(path.join(run, 'test.json'), 'utf8'));
    expect(report.engine.used).toBe('loops');
  });

  it('an unknown engine name is one line with the closest names, and makes no run', async () => {
    const result = await ch(['train', ...SMALL, '--engine', 'loopz', '--project', 'typo']);
    expect(result.code).not.toBe(0);
    const last = result.stderr.trim().split('\n').at(-1);
    expect(last).toBe(
      'error: engine (--engine) "loopz" is not a registered engine: did you mean "loops"? (known: auto, fused, tfjs, loops; a plugin\'s engine needs its plugin loaded, see ch list engines)',
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(await runsOf('typo')).toEqual([]);
  });

  it('a model it cannot run is refused by name, with the engines that can', async () => {
    const result = await ch(['train', 'jsc-tiny', 'toy', '--engine', 'loops', '--project', 'bn']);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(
      /^error: engine "loops" cannot run this model: model "jsc-tiny": it runs dense layers and ReLUs only, not batchNorm; use --engine fused or tfjs or auto$/,
    );
    expect(await runsOf('bn')).toEqual([]);
  });
});
