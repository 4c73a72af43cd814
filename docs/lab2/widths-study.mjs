// The width study of docs/lab2.md: for each model and seed, train a float run, quantize it after
// training (PTQ) to each width with `ch transform`, test it, fine-tune each transformed run
// (QAT) and test that. It runs the built `ch` of this repository (build first) on JSC-shaped
// synthetic data from the tests' generator, never the real JSC, so nothing is downloaded.
//
//   node docs/lab2/widths-study.mjs [--rows 4000] [--epochs 10] [--qat-epochs 3] [--seeds 0,1,2]
//     [--models jsc-s,jsc-custom] [--widths 16,8,6,4,3,2] [--out widths-study.md]
//
// A width is quantized with width // 2 fractional bits; `--widths 16:12` gives the frac itself.
//
// One `ch` process at a time. Prints, and writes to --out, a markdown table per model: per
// width, float, PTQ and QAT test accuracy as mean ± std over the seeds (in points).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { syntheticJscArff } from '@machop/datasets/testing';

const CH = path.resolve(import.meta.dirname, '..', '..', 'apps', 'cli', 'bin', 'ch.js');
const run = promisify(execFile);

const { values: flags } = parseArgs({
  options: {
    rows: { type: 'string', default: '4000' },
    epochs: { type: 'string', default: '10' },
    'qat-epochs': { type: 'string', default: '3' },
    'batch-size': { type: 'string', default: '64' },
    'learning-rate': { type: 'string', default: '1e-3' },
    seeds: { type: 'string', default: '0,1,2' },
    models: { type: 'string', default: 'jsc-s,jsc-custom' },
    widths: { type: 'string', default: '16,8,6,4,3,2' },
    out: { type: 'string', default: 'widths-study.md' },
  },
});
const list = (text) => text.split(',').map((item) => item.trim());
const seeds = list(flags.seeds);
// `16` is 16 bits with 8 fractional; `16:12` asks for 12 fractional bits instead.
const widths = list(flags.widths).map((item) => {
  const [width, frac] = item.split(':').map(Number);
  return { width, frac: frac ?? Math.floor(width / 2), key: item };
});
const training = ['--batch-size', flags['batch-size'], '--learning-rate', flags['learning-rate']];

const dir = await mkdtemp(path.join(os.tmpdir(), 'machop-widths-'));
// The data set the tests and docs/lab1.md's figures use: JSC's 16 features and 5 classes.
const data = path.join(dir, 'jsc.arff');
await writeFile(data, syntheticJscArff({ rows: Number(flags.rows), seed: 1 }));
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NO_COLOR: '1',
  MACHOP_DATA_DIR: data,
  MACHOP_CACHE_DIR: path.join(dir, 'cache'),
};

/** Run `ch` in the study folder; its stdout, or an error with its stderr. */
async function ch(args) {
  try {
    const { stdout } = await run(process.execPath, [CH, ...args], {
      cwd: dir,
      env,
      maxBuffer: 64 << 20,
    });
    return stdout;
  } catch (error) {
    throw new Error(`ch ${args.join(' ')} failed:\n${error.stderr ?? error.message}`, {
      cause: error,
    });
  }
}

/** The run folder a `ch` command printed on a line `label: <folder>`. */
function printedRun(stdout, label) {
  const match = new RegExp(`^${label}: (.+)$`, 'm').exec(stdout);
  if (!match) throw new Error(`no "${label}:" line in:\n${stdout}`);
  return match[1];
}

/** The test accuracy `ch train` (or `ch test`) wrote into a run: of its best checkpoint. */
async function testedAccuracy(runDir) {
  return JSON.parse(await readFile(path.join(runDir, 'test.json'), 'utf8')).accuracy;
}

/** MASE's by-type config: every linear layer's input, weight and bias at `width` and `frac`. */
async function widthConfig(model, { width, frac }) {
  const file = path.join(dir, `${model}_linear_${width}_${frac}.toml`);
  const format = ['data_in', 'weight', 'bias']
    .map((name) => `${name}_width = ${width}\n${name}_frac_width = ${frac}\n`)
    .join('');
  await writeFile(
    file,
    `model = "${model}"\ndataset = "jsc"\nproject = "ptq-${model}-w${width}-f${frac}"\n\n` +
      `[passes.quantize]\nby = "type"\n[passes.quantize.default.config]\nname = "NA"\n` +
      `[passes.quantize.linear.config]\nname = "integer"\n${format}`,
  );
  return file;
}

/** One model and seed: { float, longer, ptq: { width: accuracy }, qat: { width: accuracy } }. */
async function study(model, seed) {
  const seeded = ['--seed', seed, ...training];
  const floatRun = printedRun(
    await ch(['train', model, 'jsc', '--max-epochs', flags.epochs, ...seeded, '--project', model]),
    'run',
  );
  // The control for QAT: the float run trained as many epochs more, unquantized.
  const longerRun = printedRun(
    await ch([
      'train',
      model,
      'jsc',
      '--load',
      floatRun,
      '--max-epochs',
      flags['qat-epochs'],
      ...seeded,
      '--project',
      `longer-${model}`,
    ]),
    'run',
  );
  const result = {
    float: await testedAccuracy(floatRun),
    longer: await testedAccuracy(longerRun),
    ptq: {},
    qat: {},
  };
  for (const format of widths) {
    const transformed = printedRun(
      await ch(['transform', '--config', await widthConfig(model, format), '--load', floatRun]),
      'transformed run',
    );
    await ch(['test', '--load', transformed, '--json']);
    result.ptq[format.key] = await testedAccuracy(transformed);
    const qatRun = printedRun(
      await ch([
        'train',
        model,
        'jsc',
        '--load',
        transformed,
        '--load-type',
        'mz',
        '--max-epochs',
        flags['qat-epochs'],
        ...seeded,
        '--project',
        `qat-${model}-w${format.width}-f${format.frac}`,
      ]),
      'run',
    );
    result.qat[format.key] = await testedAccuracy(qatRun);
  }
  return result;
}

const points = (values) => values.map((value) => value * 100);
const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
/** Sample standard deviation (n - 1), as `ch sweep`'s tables. */
const std = (values) =>
  values.length < 2
    ? 0
    : Math.sqrt(values.reduce((sum, v) => sum + (v - mean(values)) ** 2, 0) / (values.length - 1));
const cell = (values) => `${mean(points(values)).toFixed(2)} ± ${std(points(values)).toFixed(2)}`;

/** The markdown table of one model's seeds. */
function table(model, results) {
  const floats = results.map((result) => result.float);
  const longer = results.map((result) => result.longer);
  const lines = [
    `**${model}**: float ${cell(floats)}; float trained ${flags['qat-epochs']} epochs more ` +
      `${cell(longer)} (test accuracy in %, mean ± std over ${results.length} seeds)`,
    '',
    '| width (frac) | PTQ | PTQ − float | QAT | QAT − PTQ | seeds with QAT ≥ PTQ |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const { width, frac, key } of widths) {
    const ptq = results.map((result) => result.ptq[key]);
    const qat = results.map((result) => result.qat[key]);
    const drop = ptq.map((value, index) => value - floats[index]);
    const gain = qat.map((value, index) => value - ptq[index]);
    const held = gain.filter((value) => value >= 0).length;
    lines.push(
      `| ${width} (${frac}) | ${cell(ptq)} | ${cell(drop)} | ${cell(qat)} | ` +
        `${cell(gain)} | ${held}/${results.length} |`,
    );
  }
  return lines.join('\n');
}

const tables = [];
const perSeed = [];
for (const model of list(flags.models)) {
  const results = [];
  for (const seed of seeds) {
    const result = await study(model, seed);
    console.error(`${model} seed ${seed}: ${JSON.stringify(result)}`);
    perSeed.push({ model, seed, ...result });
    results.push(result);
  }
  tables.push(table(model, results));
}
const settings =
  `${flags.rows} JSC-shaped synthetic rows (not real jets); float: ${flags.epochs} epochs, ` +
  `QAT: ${flags['qat-epochs']} epochs; batch size ${flags['batch-size']}, learning rate ` +
  `${flags['learning-rate']}; seeds ${seeds.join(', ')}`;
const markdown = `${settings}\n\n${tables.join('\n\n')}\n`;
await writeFile(flags.out, markdown);
await writeFile(flags.out.replace(/\.md$/, '') + '.json', JSON.stringify(perSeed, null, 2) + '\n');
console.log(markdown);
console.error(`study folder (runs and configs): ${dir}`);
