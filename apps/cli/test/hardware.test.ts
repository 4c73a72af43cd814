import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJscProject, type JscProject } from './jsc-project.js';
import { runCh } from './run-ch.js';

// End to end with the real tools: train jsc-tiny and jsc-s on JSC-shaped rows, quantize them at
// 8/4 and 4/2, emit Verilog, simulate 10,000 test rows (jsc-tiny with Icarus Verilog, jsc-s with
// Verilator) bit for bit against the integer reference, and synthesize with Yosys.
let project: JscProject;
let dir: string;
let env: NodeJS.ProcessEnv;
const ch = (args: string[], timeoutMs = 1_200_000) => runCh(args, { cwd: dir, env, timeoutMs });
const runs = new Map<string, string>();
const floatRuns = new Map<string, string>();

async function newestRun(name: string): Promise<string> {
  const root = path.join(dir, 'machop_output', name);
  const entries = (await readdir(root)).filter(
    (entry) => !entry.startsWith('.') && entry !== 'software',
  );
  return path.join(root, entries.sort().at(-1)!);
}

async function quantized(model: string, width: number): Promise<string> {
  const config = path.join(dir, `${model}-${width}.toml`);
  const frac = width / 2;
  await writeFile(
    config,
    `project = "${model}-${width}"\n[passes.quantize]\nby = "type"\n[passes.quantize.default.config]\nname = "NA"\n` +
      `[passes.quantize.linear.config]\nname = "integer"\ndata_in_width = ${width}\ndata_in_frac_width = ${frac}\n` +
      `weight_width = ${width}\nweight_frac_width = ${frac}\nbias_width = ${width}\nbias_frac_width = ${frac}\n`,
  );
  const result = await ch(['transform', '--config', config, '--load', floatRuns.get(model)!]);
  expect(result.code, result.stderr).toBe(0);
  return /^transformed run: (.+)$/m.exec(result.stdout)![1];
}

beforeAll(async () => {
  // 20% of 60,000 rows: a test split of about 12,000.
  project = await startJscProject('machop-hardware-', 60_000);
  ({ dir, env } = project);
  for (const model of ['jsc-tiny', 'jsc-s']) {
    const trained = await ch([
      'train',
      model,
      'jsc',
      '--max-epochs',
      '1',
      '--batch-size',
      '256',
      '--learning-rate',
      '0.01',
      '--seed',
      '0',
      '--project',
      model,
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    floatRuns.set(model, await newestRun(model));
    for (const width of [8, 4]) runs.set(`${model} ${width}`, await quantized(model, width));
  }
}, 900_000);
afterAll(() => project?.close());

describe('ch emit, ch simulate, ch synth', () => {
  // Icarus Verilog starts fast but runs jsc-s at a few rows a second on a busy machine; Verilator
  // runs 10,000 rows in under a second, but compiles fully parallel jsc-s for about a minute on a
  // quiet machine (over ten on a loaded one), and 16 s with 8 multipliers a layer. So jsc-s is
  // emitted with 8: the same arithmetic through the shared-multiplier schedule. The fully
  // parallel datapath is checked on jsc-tiny here and on jsc-custom in @machop/hardware's tests.
  it.each([
    ['jsc-tiny 8', 'iverilog', 'all'],
    ['jsc-tiny 4', 'iverilog', 'all'],
    ['jsc-s 8', 'verilator', '8'],
    ['jsc-s 4', 'verilator', '8'],
  ])(
    '%s-bit: bit-exact on 10,000 test rows with %s, multipliers: %s',
    async (name, simulator, multipliers) => {
      const out = path.join(dir, 'designs', name.replace(' ', '-'));
      const emitted = await ch([
        'emit',
        '--load',
        runs.get(name)!,
        '--out',
        out,
        ...(multipliers === 'all' ? [] : ['--multipliers', multipliers]),
      ]);
      expect(emitted.code, emitted.stderr).toBe(0);
      expect(emitted.stdout).toMatch(/latency \d+ cycles/);
      const simulated = await ch([
        'simulate',
        out,
        '--vectors',
        '10000',
        '--simulator',
        simulator,
        '--json',
      ]);
      expect(simulated.code, simulated.stderr).toBe(0);
      const summary = JSON.parse(simulated.stdout);
      expect(summary).toMatchObject({ rows: 10_000, bitExact: true });
      expect(summary.latency).toBe(summary.reportedLatency);
    },
    // Generous: Verilator's compiles are slow on a loaded machine.
    1_500_000,
  );

  it('is bit-exact with 4 multipliers per layer, at its longer reported latency', async () => {
    const out = path.join(dir, 'designs', 'tiny-shared');
    const emitted = await ch([
      'emit',
      '--load',
      runs.get('jsc-tiny 8')!,
      '--out',
      out,
      '--multipliers',
      '4',
    ]);
    expect(emitted.code, emitted.stderr).toBe(0);
    const simulated = await ch(['simulate', out, '--vectors', '2000']);
    expect(simulated.code, simulated.stderr).toBe(0);
    // 16 inputs x 5 units on 4 multipliers: 20 steps + 1 cycle to take the vector.
    expect(simulated.stdout).toMatch(/^bit-exact: 2000 test rows.*latency 21 cycles, reported 21/);
  }, 900_000);

  it('catches a wrong weight, naming the row and the layer', async () => {
    const out = path.join(dir, 'designs', 'wrong');
    expect((await ch(['emit', '--load', runs.get('jsc-tiny 8')!, '--out', out])).code).toBe(0);
    const layers = path.join(out, 'layers.v');
    const text = await readFile(layers, 'utf8');
    const edited = text.replace(
      /WEIGHTS = (\d+)'h([0-9a-f]+);/,
      (_all, bits: string, hex: string) =>
        `WEIGHTS = ${bits}'h${hex.slice(0, -1)}${(parseInt(hex.slice(-1), 16) ^ 1).toString(16)};`,
    );
    expect(edited).not.toBe(text);
    await writeFile(layers, edited);
    const simulated = await ch(['simulate', out, '--vectors', '500']);
    expect(simulated.code).toBe(1);
    expect(simulated.stderr).toMatch(
      /^error: row \d+ differs first at layer seq_blocks_2 \(dense, wire t\d+\): expected \[.*\], the hardware gave \[.*\]$/m,
    );
  });

  it('synthesizes with Yosys: resources as JSON and a table', async () => {
    const out = path.join(dir, 'designs', 'jsc-tiny-4');
    const synthesized = await ch(['synth', out]);
    expect(synthesized.code, synthesized.stderr).toBe(0);
    expect(synthesized.stdout).toMatch(/LUTs\s+\d+/);
    const report = JSON.parse(await readFile(path.join(out, 'synth-generic.json'), 'utf8'));
    expect(report.luts).toBeGreaterThan(0);
    // Registers: the dense layer's input (16 x 4 bits) and its sums at least.
    expect(report.flipFlops).toBeGreaterThanOrEqual(16 * 4);
    expect(report.logicLevels).toBeGreaterThan(0);
  });

  it('ch predict --integer computes the hardware arithmetic; it picks the fake-quantized class on nearly every row', async () => {
    const rows = path.join(dir, 'cache', 'openml', '42468', 'hls4ml_lhc_jets_hlf.arff');
    const run = runs.get('jsc-s 8')!;
    const classes = async (extra: string[]) => {
      const result = await ch(['predict', '--load', run, '--data', rows, ...extra]);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[0]);
    };
    const integer = await classes(['--integer']);
    const fake = await classes([]);
    const same = integer.filter((value, index) => value === fake[index]).length;
    expect(same / fake.length).toBeGreaterThan(0.97);
  });

  it('says what to do with a float run, a missing folder and a wrong folder, in one line', async () => {
    const float = await ch([
      'emit',
      '--load',
      floatRuns.get('jsc-tiny')!,
      '--out',
      path.join(dir, 'f'),
    ]);
    expect(float.code).not.toBe(0);
    expect(float.stderr.trim().split('\n')).toHaveLength(1);
    expect(float.stderr).toMatch(/is a float run; quantize it first: ch transform --config FILE/);
    expect(existsSync(path.join(dir, 'f'))).toBe(false);
    const notDesign = await ch(['simulate', dir]);
    expect(notDesign.stderr).toMatch(/is not a folder written by ch emit/);
  });
});
