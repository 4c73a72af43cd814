// The searches of docs/lab3.md: train a float jsc-tiny and jsc-s (one seed), then
//  1. sample efficiency on jsc-tiny's 18-configuration space (MASE's example config, by name):
//     brute force against TPE and random over several seeds, one summed objective, the best so
//     far after each trial;
//  2. the Pareto front (accuracy against average bit width) of jsc-tiny by brute force, and of
//     jsc-s (every linear layer by type: 18^5 configurations) by TPE and NSGA-II.
// It runs the built `ch` of this repository (build first) on JSC-shaped synthetic data from the
// tests' generator, never the real JSC, so nothing is downloaded.
//
//   node docs/lab3/search-study.mjs [--rows 4000] [--epochs 10] [--seeds 0,1,2,3,4]
//     [--trials 100] [--out search-study.md]
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { syntheticJscArff } from '@machop/datasets/testing';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CH = path.join(ROOT, 'apps', 'cli', 'bin', 'ch.js');
const MASE_CONFIG = path.join(ROOT, 'packages', 'graph', 'fixtures', 'jsc_toy_by_type.toml');
const run = promisify(execFile);

const { values: flags } = parseArgs({
  options: {
    rows: { type: 'string', default: '4000' },
    epochs: { type: 'string', default: '10' },
    seeds: { type: 'string', default: '0,1,2,3,4' },
    trials: { type: 'string', default: '100' },
    out: { type: 'string', default: 'search-study.md' },
  },
});
const seeds = flags.seeds.split(',').map((seed) => seed.trim());

const dir = await mkdtemp(path.join(os.tmpdir(), 'machop-lab3-'));
const data = path.join(dir, 'jsc.arff');
await writeFile(data, syntheticJscArff({ rows: Number(flags.rows), seed: 1 }));
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NO_COLOR: '1',
  MACHOP_DATA_DIR: data,
  MACHOP_CACHE_DIR: path.join(dir, 'cache'),
};

async function ch(args) {
  try {
    const { stdout } = await run(process.execPath, [CH, ...args], {
      cwd: dir,
      env,
      maxBuffer: 1 << 26,
    });
    return stdout;
  } catch (error) {
    throw new Error(`ch ${args.join(' ')} failed:\n${error.stderr ?? error.message}`, {
      cause: error,
    });
  }
}

async function trainRun(model) {
  const out = await ch([
    'train',
    model,
    'jsc',
    '--max-epochs',
    flags.epochs,
    '--batch-size',
    '64',
    '--learning-rate',
    '1e-3',
    '--seed',
    '0',
    '--project',
    `lab3-${model}`,
  ]);
  return /^run: (.+)$/m.exec(out)[1];
}

/** The trials of a search, from its --json summary's folder: log.json rows in trial order. */
async function search(args) {
  const summary = JSON.parse(await ch(['search', ...args, '--json']));
  const log = JSON.parse(await readFile(path.join(summary.dir, 'log.json'), 'utf8'));
  return { summary, trials: Object.values(log) };
}

// One objective for sample efficiency: accuracy in points less a tenth of a point per weight bit.
const OBJECTIVE = [
  '--metric',
  'accuracy:max:100',
  '--metric',
  'average_bitwidth:min:0.1',
  '--sum-scaled-metrics',
  '--direction',
  'maximize',
];
const bestSoFar = (trials) => {
  let best = -Infinity;
  return trials.map((trial) => (best = Math.max(best, trial.value)));
};
const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
const std = (values) => Math.sqrt(mean(values.map((value) => (value - mean(values)) ** 2)));
const cell = (values) => `${mean(values).toFixed(2)} ± ${std(values).toFixed(2)}`;

const lines = [];
const tiny = await trainRun('jsc-tiny');
const brute = await search([
  '--config',
  MASE_CONFIG,
  '--load',
  tiny,
  '--project',
  'brute',
  '--strategy',
  'brute-force',
  '--trials',
  '18',
  ...OBJECTIVE,
]);
const optimum = Math.max(...brute.trials.map((trial) => trial.value));
const curves = { 'brute-force': [bestSoFar(brute.trials)] };
for (const strategy of ['tpe', 'random']) {
  curves[strategy] = [];
  for (const seed of seeds) {
    const { trials } = await search([
      '--config',
      MASE_CONFIG,
      '--load',
      tiny,
      '--project',
      `${strategy}-${seed}`,
      '--strategy',
      strategy,
      '--trials',
      '18',
      '--seed',
      seed,
      ...OBJECTIVE,
    ]);
    curves[strategy].push(bestSoFar(trials));
  }
}
lines.push(
  `Best so far of accuracy (points) - 0.1 x average bit width, jsc-tiny, MASE's 18 configurations (optimum ${optimum.toFixed(2)}; mean ± std over seeds ${seeds.join(', ')}):`,
  '',
);
const marks = [1, 3, 5, 9, 12, 18];
lines.push(`| strategy | ${marks.map((mark) => `after ${mark}`).join(' | ')} |`);
lines.push(`| --- | ${marks.map(() => '---').join(' | ')} |`);
for (const [strategy, runs] of Object.entries(curves))
  lines.push(
    `| ${strategy} | ${marks.map((mark) => cell(runs.map((curve) => curve[mark - 1]))).join(' | ')} |`,
  );

const front = (trials) => {
  const seen = new Map();
  for (const trial of trials) {
    const accuracy = trial.user_attrs_software_metrics.accuracy;
    const bits = trial.user_attrs_hardware_metrics.average_bitwidth;
    const dominated = trials.some((other) => {
      const a = other.user_attrs_software_metrics.accuracy;
      const b = other.user_attrs_hardware_metrics.average_bitwidth;
      return a >= accuracy && b <= bits && (a > accuracy || b < bits);
    });
    if (!dominated) seen.set(`${bits}/${accuracy}`, { bits, accuracy, number: trial.number });
  }
  return [...seen.values()].sort((a, b) => a.bits - b.bits);
};
lines.push(
  '',
  'Pareto front of jsc-tiny (brute force, all 18; accuracy on the validation split):',
  '',
);
lines.push('| average bit width | accuracy (%) | first trial |', '| --- | --- | --- |');
for (const point of front(brute.trials))
  lines.push(`| ${point.bits} | ${(100 * point.accuracy).toFixed(2)} | ${point.number} |`);

const small = await trainRun('jsc-s');
const byType = (await readFile(MASE_CONFIG, 'utf8')).replace('by = "name"', 'by = "type"');
const byTypeFile = path.join(dir, 'jsc_s_by_type.toml');
await writeFile(byTypeFile, byType);
for (const strategy of ['tpe', 'nsga2']) {
  const { trials } = await search([
    '--config',
    byTypeFile,
    '--load',
    small,
    '--project',
    `jsc-s-${strategy}`,
    '--strategy',
    strategy,
    '--trials',
    flags.trials,
    '--seed',
    '0',
  ]);
  lines.push(
    '',
    `Pareto front of jsc-s, every linear layer's widths by type (18^5 configurations), ${strategy}, ${flags.trials} trials, seed 0:`,
    '',
  );
  lines.push('| average bit width | accuracy (%) | first trial |', '| --- | --- | --- |');
  for (const point of front(trials))
    lines.push(
      `| ${point.bits.toFixed(3)} | ${(100 * point.accuracy).toFixed(2)} | ${point.number} |`,
    );
}
const text = lines.join('\n') + '\n';
process.stdout.write(text);
await writeFile(path.resolve(flags.out), text);
