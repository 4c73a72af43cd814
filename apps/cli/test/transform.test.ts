import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJscProject, type JscProject } from './jsc-project.js';
import { runCh } from './run-ch.js';

// End to end: train jsc-tiny with the real `ch`, quantize it with MASE's own example config
// (unmodified), then test and fine-tune the quantized run. Nothing here reaches the internet.
const FIXTURE = path.resolve(
  import.meta.dirname,
  '../../../packages/graph/fixtures/jsc_toy_by_type.toml',
);
const FAST = ['--batch-size', '256', '--learning-rate', '0.01', '--log-every-n-steps', '5'];

let project: JscProject;
let dir: string;
let env: NodeJS.ProcessEnv;
let floatRun: string;
let floatAccuracy: number;

const json = async (file: string) => JSON.parse(await readFile(file, 'utf8'));
const ch = (args: string[]) => runCh(args, { cwd: dir, env, timeoutMs: 180_000 });

/** The run folders of a project, oldest first. */
async function runsOf(name: string): Promise<string[]> {
  const root = path.join(dir, 'machop_output', name);
  if (!existsSync(root)) return [];
  return (await readdir(root))
    .filter((entry) => !entry.startsWith('.') && entry !== 'software')
    .sort()
    .map((entry) => path.join(root, entry));
}

/** A MASE config quantizing every linear layer to `width` bits, half of them fractional. */
async function widthConfig(width: number): Promise<string> {
  const file = path.join(dir, `linear_${width}.toml`);
  const frac = Math.floor(width / 2);
  await writeFile(
    file,
    `model = "jsc-tiny"\ndataset = "jsc"\nproject = "widths"\n\n[passes.quantize]\nby = "type"\n` +
      `[passes.quantize.default.config]\nname = "NA"\n[passes.quantize.linear.config]\nname = "integer"\n` +
      `data_in_width = ${width}\ndata_in_frac_width = ${frac}\nweight_width = ${width}\n` +
      `weight_frac_width = ${frac}\nbias_width = ${width}\nbias_frac_width = ${frac}\n`,
  );
  return file;
}

/** The classes `ch predict` gives every row of the served JSC file with `run`'s model. */
async function predictedClasses(run: string): Promise<string[]> {
  const rows = path.join(dir, 'cache', 'openml', '42468', 'hls4ml_lhc_jets_hlf.arff');
  const predicted = await ch(['predict', '--load', run, '--data', rows]);
  expect(predicted.code, predicted.stderr).toBe(0);
  return predicted.stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0]);
}

/** Transform the float run with `config` and test the new run: its test accuracy and folder. */
async function quantizedRun(config: string): Promise<{ accuracy: number; runDir: string }> {
  const transformed = await ch(['transform', '--config', config, '--load', floatRun]);
  expect(transformed.stderr).not.toMatch(/^error/m);
  expect(transformed.code).toBe(0);
  const runDir = /^transformed run: (.+)$/m.exec(transformed.stdout)![1];
  const tested = await ch(['test', '--load', runDir, '--json']);
  expect(tested.code).toBe(0);
  return { accuracy: (JSON.parse(tested.stdout) as { accuracy: number }).accuracy, runDir };
}

beforeAll(async () => {
  project = await startJscProject('machop-transform-', 4000);
  ({ dir, env } = project);
  // 10 small-batch epochs take jsc-tiny to ~0.75 on this data (3 leave it near chance).
  const trained = await ch([
    'train',
    'jsc-tiny',
    'jsc',
    '--max-epochs',
    '10',
    '--batch-size',
    '64',
    '--learning-rate',
    '0.01',
    '--seed',
    '0',
    '--project',
    'lab2',
  ]);
  expect(trained.code).toBe(0);
  [floatRun] = await runsOf('lab2');
  floatAccuracy = (await json(path.join(floatRun, 'test.json'))).accuracy;
}, 240_000);
afterAll(() => project.close());

describe('ch transform', () => {
  let transformedRun: string;

  it("quantizes jsc-tiny with MASE's example config unmodified: MASE's table, histogram and a transformed run", async () => {
    const result = await ch(['transform', '--config', FIXTURE, '--load', floatRun]);
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.code).toBe(0);
    // What the file asks for and Machop.ts cannot honour is a note, not an error.
    expect(result.stderr).toMatch(/^note: .*accelerator/m);
    const transformDir = path.join(dir, 'machop_output', 'jsc-tiny', 'software', 'transform');
    const table = await readFile(path.join(transformDir, 'quantize', 'quantize_table.csv'), 'utf8');
    const rows = table.trim().split('\n');
    expect(rows[0]).toBe(
      ',Ori name,New name,MASE_TYPE,Mase_OP,Original type,Quantized type,Changed',
    );
    expect(rows).toHaveLength(7);
    const changed = rows.slice(1).filter((row) => row.endsWith(',True'));
    expect(changed).toHaveLength(1);
    expect(changed[0]).toContain('seq_blocks_2');
    expect(result.stdout).toContain(rows[3]);
    const histogram = await readFile(
      path.join(transformDir, 'quantize', 'quantize_histogram.csv'),
      'utf8',
    );
    expect(histogram.split('\n')[0]).toBe('Original type,OP,Total,Changed,Unchanged');

    [transformedRun] = await runsOf('jsc-tiny');
    expect(result.stdout).toContain(`transformed run: ${transformedRun}\n`);
    const config = await json(path.join(transformedRun, 'config.json'));
    expect(config.model.nodes).toEqual([
      'seq_blocks_0',
      'seq_blocks_1',
      'seq_blocks_2',
      'seq_blocks_3',
    ]);
    const format = { width: 8, frac: 4 };
    expect(config.model.quant).toEqual([
      null,
      null,
      { dataIn: format, weight: format, bias: format },
      null,
    ]);
    expect(config.transformedFrom.checkpoint).toBe(path.join(floatRun, 'checkpoints', 'best'));
    // Complete, though not trained: ch runs lists it as finished, not crashed.
    expect((await json(path.join(transformedRun, 'summary.json'))).status).toBe('completed');
    const best = path.join(transformedRun, 'checkpoints', 'best');
    expect((await json(path.join(best, 'trainer-state.json'))).quant).toEqual(config.model.quant);
    // The weights stay float, in the tfjs layout: the same bytes as the float run's.
    expect(await readFile(path.join(best, 'weights.bin'))).toEqual(
      await readFile(path.join(floatRun, 'checkpoints', 'best', 'weights.bin')),
    );
  });

  it('ch test --load evaluates the quantized model, with the same result on both engines', async () => {
    const tfjs = await ch(['test', '--load', transformedRun, '--engine', 'tfjs']);
    expect(tfjs.code, tfjs.stderr).toBe(0);
    const onTfjs = await json(path.join(transformedRun, 'test.json'));
    const result = await ch(['test', '--load', transformedRun]);
    expect(result.stderr).toMatch(/^engine: fused/m);
    expect(result.code).toBe(0);
    const report = await json(path.join(transformedRun, 'test.json'));
    expect(report.engine.used).toBe('fused');
    expect(Math.abs(report.accuracy - floatAccuracy)).toBeLessThan(0.05);
    // Both engines fake-quantize with the same integer reference. Their float sums run in
    // different orders, so a value on a rounding tie may land one step apart: allow a few rows.
    expect(report.size).toBe(onTfjs.size);
    expect(Math.abs(report.accuracy - onTfjs.accuracy)).toBeLessThanOrEqual(5 / report.size);
  });

  it('16 bits match the float accuracy within a point; 2 bits drop it; ch predict agrees', async () => {
    const wide = await quantizedRun(await widthConfig(16));
    expect(Math.abs(wide.accuracy - floatAccuracy)).toBeLessThan(0.01);
    const narrow = await quantizedRun(await widthConfig(2));
    expect(narrow.accuracy).toBeLessThan(floatAccuracy - 0.05);
    // ch predict loads a transformed run quantized too: at 16 bits it classifies (almost) every
    // row as the float model does, at 2 bits it does not.
    const float = await predictedClasses(floatRun);
    const agreement = (classes: string[]) =>
      classes.filter((name, row) => name === float[row]).length / float.length;
    expect(float.length).toBeGreaterThan(3000);
    expect(agreement(await predictedClasses(wide.runDir))).toBeGreaterThan(0.99);
    expect(agreement(await predictedClasses(narrow.runDir))).toBeLessThan(0.9);
  }, 300_000);

  it('ch train --load on a transformed run fine-tunes the quantized model (QAT) and keeps its quant', async () => {
    const result = await ch([
      'train',
      'jsc-tiny',
      'jsc',
      '--load',
      transformedRun,
      '--load-type',
      'mz',
      '--max-epochs',
      '1',
      ...FAST,
      '--project',
      'qat',
    ]);
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.code).toBe(0);
    const [qatRun] = await runsOf('qat');
    const config = await json(path.join(qatRun, 'config.json'));
    expect(config.model.quant).toEqual(
      (await json(path.join(transformedRun, 'config.json'))).model.quant,
    );
    expect(config.engine.used).toBe('fused');
    const state = await json(path.join(qatRun, 'checkpoints', 'best', 'trainer-state.json'));
    expect(state.quant).toEqual(config.model.quant);
    const summary = await json(path.join(qatRun, 'summary.json'));
    expect(summary.status).toBe('completed');
    expect(Number.isFinite(summary.final.train_loss_epoch)).toBe(true);
    // Resuming the QAT run trains on quantized: the quant comes from the run's config.json.
    const resumed = await ch(['train', '--resume', qatRun, '--max-epochs', '2']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/^engine: fused/m);
    const last = await json(path.join(qatRun, 'checkpoints', 'last', 'trainer-state.json'));
    expect(last.quant).toEqual(config.model.quant);
    expect(last.position.epoch).toBe(2);
  }, 180_000);
});

describe('a "fixed" config', () => {
  /** The quant of each layer in a checkpoint's model.json (tfjs writes its keys in snake_case). */
  const modelJsonQuant = async (run: string, checkpoint: string) => {
    const model = await json(path.join(run, 'checkpoints', checkpoint, 'model.json'));
    return (model.modelTopology.config.layers as { config: { quant?: unknown } }[]).map(
      (layer) => layer.config.quant ?? null,
    );
  };

  it('stays "fixed" through the checkpoint, QAT and a second transform', async () => {
    const file = path.join(dir, 'fixed.toml');
    await writeFile(
      file,
      (await readFile(FIXTURE, 'utf8'))
        .replace(/^project = .*$/m, 'project = "fixed"')
        .replace(/^name = "integer"$/m, 'name = "fixed"'),
    );
    const transformed = await ch(['transform', '--config', file, '--load', floatRun]);
    expect(transformed.code, transformed.stderr).toBe(0);
    const [run] = await runsOf('fixed');
    const quant = (await json(path.join(run, 'config.json'))).model.quant;
    expect(quant[2]).toMatchObject({ arithmetic: 'fixed', weight: { width: 8, frac: 4 } });
    expect((await json(path.join(run, 'checkpoints', 'best', 'trainer-state.json'))).quant).toEqual(
      quant,
    );
    expect(
      (await modelJsonQuant(run, 'best')).some((spec) =>
        JSON.stringify(spec).includes('"arithmetic":"fixed"'),
      ),
    ).toBe(true);
    // MASE's table names the module, and MASE quantizes "fixed" with LinearInteger too.
    expect(transformed.stdout).toContain(
      'seq_blocks_2,module_related_func,linear,Linear,LinearInteger,True',
    );

    const qat = await ch([
      'train',
      'jsc-tiny',
      'jsc',
      '--load',
      run,
      '--load-type',
      'mz',
      '--max-epochs',
      '1',
      ...FAST,
      '--project',
      'fixed-qat',
    ]);
    expect(qat.code, qat.stderr).toBe(0);
    const [qatRun] = await runsOf('fixed-qat');
    expect((await json(path.join(qatRun, 'config.json'))).model.quant).toEqual(quant);

    // The QAT run's graph, rebuilt from its checkpoint, still says fixed.
    const report = path.join(dir, 'report.toml');
    await writeFile(report, 'project = "fixed-report"\n\n[passes.report_node_meta_param]\n');
    const reported = await ch(['transform', '--config', report, '--load', qatRun]);
    expect(reported.code, reported.stderr).toBe(0);
    const weightLine = reported.stdout
      .split('\n')
      .find((line) => /^seq_blocks_2 .* weight /.test(line));
    expect(weightLine).toMatch(/\bfixed\s+\[8, 4\]/);
  }, 180_000);
});

describe('ch transform refuses bad input with one line and writes nothing', () => {
  async function refuses(args: string[], message: RegExp): Promise<void> {
    const before = await runsOf('jsc-tiny');
    const result = await ch(['transform', ...args]);
    expect(result.code).not.toBe(0);
    // One error line, last; before it only the config's notes and the data set's cache line.
    const lines = result.stderr.trim().split('\n');
    expect(lines.filter((line) => !/^(note|using cached)/.test(line))).toEqual([lines.at(-1)]);
    expect(lines.at(-1)).toMatch(/^error: /);
    expect(lines.at(-1)).toMatch(message);
    expect(await runsOf('jsc-tiny')).toEqual(before);
  }

  it('a missing config file', () =>
    refuses(['--config', 'nope.toml', '--load', 'x'], /--config nope\.toml: file not found/));

  it('a config that is not TOML', async () => {
    const file = path.join(dir, 'broken.toml');
    await writeFile(file, 'model = "jsc-tiny\n');
    await refuses(['--config', file, '--load', 'x'], /broken\.toml.*TOML/);
  });

  it('an unknown model in the file', async () => {
    const file = path.join(dir, 'unknown.toml');
    await writeFile(file, (await readFile(FIXTURE, 'utf8')).replace('"jsc-tiny"', '"jsc-nope"'));
    await refuses(['--config', file, '--load', floatRun], /jsc-nope/);
  });

  it('an unknown node name', async () => {
    const file = path.join(dir, 'node.toml');
    await writeFile(
      file,
      '[passes.quantize]\nby = "name"\n[passes.quantize.seq_blocks_9.config]\nname = "integer"\ndata_in_width = 8\n',
    );
    await refuses(['--config', file, '--load', floatRun], /seq_blocks_9/);
  });

  it('a run that does not exist', () =>
    refuses(['--config', FIXTURE, '--load', path.join(dir, 'no-such-run')], /no-such-run/));

  it('no run to load', () =>
    refuses(['--config', FIXTURE], /needs a trained run: pass --load RUN/));
});
