import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readFeatureRows } from '@machop/datasets';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJscProject, type JscProject } from './jsc-project.js';
import { runCh } from './run-ch.js';

// End to end: the real `ch` trains JSC models, quantizes them with `ch transform`, exports them
// with `ch export`, and ONNX Runtime (onnxruntime-node, a real InferenceSession) runs the files
// on every row of the served data set (the test split and more), against `ch predict`'s logits.
const LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
const FAST = ['--max-epochs', '2', '--batch-size', '256', '--learning-rate', '0.01', '--quiet'];

let project: JscProject;
let dir: string;
let env: NodeJS.ProcessEnv;
let rowsFile: string;
/** The served file's feature columns, in the models' input order. */
let featureNames: string[];

// Integer steps have no sign of zero: a logit of -0 and one of 0 are the same number.
const values = (array: Float32Array) => Array.from(array, (value) => value + 0);

const ch = (args: string[]) => runCh(args, { cwd: dir, env, timeoutMs: 180_000 });

/** A MASE config quantizing every linear layer's input, weight and bias, and each ReLU's input. */
async function quantizeConfig(name: string, width: number, frac: number): Promise<string> {
  const file = path.join(dir, `${name}.toml`);
  const linear = ['data_in', 'weight', 'bias']
    .map((argument) => `${argument}_width = ${width}\n${argument}_frac_width = ${frac}\n`)
    .join('');
  await writeFile(
    file,
    `[passes.quantize]\nby = "type"\n[passes.quantize.default.config]\nname = "NA"\n` +
      `[passes.quantize.linear.config]\nname = "integer"\n${linear}` +
      `[passes.quantize.relu.config]\nname = "integer"\ndata_in_width = ${width}\ndata_in_frac_width = ${frac}\n`,
  );
  return file;
}

/** Train `model` briefly in `project`; returns its run folder. */
async function train(model: string, project = model): Promise<string> {
  const trained = await ch(['train', model, 'jsc', '--project', project, ...FAST]);
  expect(trained.code, trained.stderr).toBe(0);
  const root = path.join(dir, 'machop_output', project);
  const runs = (await readdir(root)).filter((entry) => !entry.startsWith('.'));
  return path.join(root, runs.sort()[0]);
}

/** `ch predict`'s logits for every row of the served file. */
async function predictedLogits(run: string, classes: number): Promise<Float32Array> {
  const predicted = await ch(['predict', '--load', run, '--data', rowsFile]);
  expect(predicted.code, predicted.stderr).toBe(0);
  const lines = predicted.stdout.trim().split('\n').slice(1);
  return Float32Array.from(lines.flatMap((line) => line.split(',').slice(-classes).map(Number)));
}

/** Export `run` with `ch export` and run the file with ONNX Runtime at `level` on every row. */
async function onnxLogits(file: string, level: (typeof LEVELS)[number]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file, {
    graphOptimizationLevel: level,
    intraOpNumThreads: 1,
  });
  try {
    const rows = await readFeatureRows(rowsFile, featureNames);
    const feeds = {
      features: new ort.Tensor('float32', rows.x, [rows.rows, featureNames.length]),
    };
    return (await session.run(feeds)).logits.data as Float32Array;
  } finally {
    await session.release();
  }
}

async function exported(run: string, name: string): Promise<string> {
  const out = path.join(dir, `${name}.onnx`);
  const result = await ch(['export', '--load', run, '--format', 'onnx', '--out', out]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.trim()).toBe(out);
  return out;
}

beforeAll(async () => {
  project = await startJscProject('machop-export-', 3000);
  ({ dir, env } = project);
  // The served file is cached by the first ch train; every test reads all of its rows.
  rowsFile = path.join(dir, 'cache', 'openml', '42468', 'hls4ml_lhc_jets_hlf.arff');
}, 60_000);
afterAll(() => project?.close());

describe.each([
  ['jsc-tiny', 8, 4],
  ['jsc-custom', 4, 2],
  ['jsc-s', 12, 6],
])('ch export --format onnx of %s', (model, width, frac) => {
  let floatRun: string;
  let quantizedRun: string;

  beforeAll(async () => {
    floatRun = await train(model);
    const state = path.join(floatRun, 'checkpoints', 'best', 'trainer-state.json');
    featureNames = (JSON.parse(await readFile(state, 'utf8')) as { featureNames: string[] })
      .featureNames;
    const config = await quantizeConfig(`${model}-${width}`, width, frac);
    const transformed = await ch(['transform', '--config', config, '--load', floatRun]);
    expect(transformed.code, transformed.stderr).toBe(0);
    quantizedRun = /^transformed run: (.+)$/m.exec(transformed.stdout)![1];
  }, 300_000);

  it('gives the float logits of ch predict within 1e-5 at every optimization level', async () => {
    const file = await exported(floatRun, `${model}-float`);
    const expected = await predictedLogits(floatRun, 5);
    expect(expected.length).toBeGreaterThan(2000 * 5);
    for (const level of LEVELS) {
      const logits = await onnxLogits(file, level);
      expect(logits.length, level).toBe(expected.length);
      let worst = 0;
      for (let index = 0; index < logits.length; index++)
        worst = Math.max(worst, Math.abs(logits[index] - expected[index]));
      expect(worst, level).toBeLessThanOrEqual(1e-5);
    }
  }, 120_000);

  it('says what it wrote as JSON with --json', async () => {
    const out = path.join(dir, `${model}-json.onnx`);
    const result = await ch([
      'export',
      '--load',
      quantizedRun,
      '--format',
      'onnx',
      '--out',
      out,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      file: out,
      format: 'onnx',
      opset: 21,
      quantized: true,
    });
  });

  it(`gives the ${width}/${frac} fixed-point logits of ch predict exactly at every optimization level`, async () => {
    const file = await exported(quantizedRun, `${model}-${width}`);
    const expected = await predictedLogits(quantizedRun, 5);
    // The quantized model is a different function: the check is not passed by the float one.
    expect(values(await predictedLogits(floatRun, 5))).not.toEqual(values(expected));
    for (const level of LEVELS)
      expect(values(await onnxLogits(file, level)), level).toEqual(values(expected));
  }, 120_000);
});

describe('ch export, given bad input', () => {
  let run: string;
  beforeAll(async () => {
    run = await train('jsc-tiny', 'bad-input');
  }, 120_000);

  /** Run `ch` and expect one line on stderr, exit 1, and no file at `out`. */
  async function refused(args: string[], out: string, message: RegExp): Promise<void> {
    const result = await ch(args);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  }

  it('says which formats there are, which run is missing, and that --format is needed', async () => {
    const out = path.join(dir, 'bad.onnx');
    await refused(
      ['export', '--load', run, '--format', 'tflite', '--out', out],
      out,
      /--format: expected one of onnx, got "tflite"/,
    );
    await refused(
      ['export', '--load', path.join(dir, 'no-run'), '--format', 'onnx', '--out', out],
      out,
      /--load .*no-run: no such file or folder/,
    );
    await refused(
      ['export', '--load', run, '--out', out],
      out,
      /needs --format FORMAT: one of onnx/,
    );
  });

  it('names the node whose precision ONNX cannot hold, and writes nothing', async () => {
    const config = await quantizeConfig('jsc-tiny-20', 20, 10);
    const transformed = await ch(['transform', '--config', config, '--load', run]);
    expect(transformed.code, transformed.stderr).toBe(0);
    const wide = /^transformed run: (.+)$/m.exec(transformed.stdout)![1];
    const out = path.join(dir, 'wide.onnx');
    await refused(
      ['export', '--load', wide, '--format', 'onnx', '--out', out],
      out,
      /node seq_blocks_1: data_in is 20 bits wide, but ONNX's QuantizeLinear holds at most 16/,
    );
    expect((await readdir(dir)).filter((name) => name.includes('wide'))).toEqual([]);
  }, 120_000);
});
