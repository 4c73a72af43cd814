import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { readEventFile } from '@machop/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJscProject, type JscProject } from './jsc-project.js';
import { pauseAt } from './pause.js';
import { runCh, startCh } from './run-ch.js';

// End to end: the real `ch` binary, in a temp folder, downloading JSC from a loopback server that
// speaks OpenML's API. Nothing here reaches the internet.
let dir: string;
let server: JscProject['server'];
let env: NodeJS.ProcessEnv;
const FAST = ['--batch-size', '256', '--learning-rate', '0.01', '--log-every-n-steps', '5'];

let project: JscProject;

beforeAll(async () => {
  project = await startJscProject('machop-train-', 4000);
  ({ dir, server, env } = project);
});
afterAll(() => project.close());

async function runDirOf(project: string): Promise<string> {
  const root = path.join(dir, 'machop_output', project);
  const runs = (await readdir(root)).filter((name) => !name.startsWith('.'));
  expect(runs).toHaveLength(1);
  return path.join(root, runs[0]);
}

async function metricsWithoutTime(runDir: string): Promise<unknown[]> {
  const lines = (await readFile(path.join(runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n');
  return lines.map((line) => {
    const { time: _time, ...rest } = JSON.parse(line) as Record<string, unknown>;
    return rest;
  });
}

const json = async (file: string) => JSON.parse(await readFile(file, 'utf8'));

describe('ch train and ch test', () => {
  let runDir: string;

  it('downloads jsc, trains jsc-tiny and writes a complete run folder', async () => {
    const result = await runCh(
      ['train', 'jsc-tiny', 'jsc', '--max-epochs', '3', ...FAST, '--project', 'lab1'],
      { cwd: dir, env },
    );
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.code).toBe(0);
    runDir = await runDirOf('lab1');
    expect(result.stdout).toContain(`run: ${runDir}\nstatus: completed\n`);
    // The resolved settings are printed with their sources, then one line per epoch.
    expect(result.stderr).toMatch(/^batch-size\s+256\s+flag$/m);
    expect(result.stderr).toMatch(/^optimizer\s+adam\s+default$/m);
    expect(result.stderr).toMatch(/^backend: wasm/m);
    expect(result.stderr.match(/^epoch \d\/3 .*val_acc_epoch/gm)).toHaveLength(3);
    expect(server.requests).toEqual([
      '/api/v1/json/data/42468',
      '/data/v1/download/22044765/hls4ml_lhc_jets_hlf.arff',
    ]);

    const files = await readdir(runDir);
    for (const name of ['config.json', 'metrics.jsonl', 'summary.json', 'test.json', 'checkpoints'])
      expect(files).toContain(name);
    expect(files.some((name) => name.startsWith('events.out.tfevents.'))).toBe(true);
    for (const checkpoint of ['best', 'last']) {
      expect(existsSync(path.join(runDir, 'checkpoints', checkpoint, 'model.json'))).toBe(true);
      expect(existsSync(path.join(runDir, 'checkpoints', checkpoint, 'weights.bin'))).toBe(true);
    }
    const config = await json(path.join(runDir, 'config.json'));
    expect(config.model).toMatchObject({ name: 'jsc-tiny', parameters: { trainable: 117 } });
    expect(config.backend.name).toBe('wasm');
    const summary = await json(path.join(runDir, 'summary.json'));
    expect(summary).toMatchObject({ status: 'completed', epochs: 3 });
    const records = (await metricsWithoutTime(runDir)) as {
      name: string;
      epoch: number;
      value: number;
    }[];
    // It learns: the validation loss of the last epoch is below that of the first.
    const valLoss = records
      .filter((record) => record.name === 'val_loss_epoch')
      .map((record) => record.value);
    expect(valLoss).toHaveLength(3);
    expect(valLoss[2]).toBeLessThan(valLoss[0]);
    const names = new Set(records.map((record) => record.name));
    for (const name of [
      'train_loss_step',
      'train_acc_step',
      'val_loss_epoch',
      'val_acc_epoch',
      'test_loss_epoch',
      'test_acc_epoch',
      'lr',
    ])
      expect(names).toContain(name);
  });

  it('uses the cached download on the next run', async () => {
    const before = server.requests.length;
    const result = await runCh(['info', 'jsc'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(server.requests.length).toBe(before);
  });

  it('writes the same scalars to the TensorBoard event file as to metrics.jsonl', async () => {
    const eventFile = (await readdir(runDir)).find((name) =>
      name.startsWith('events.out.tfevents.'),
    )!;
    const scalars = await readEventFile(path.join(runDir, eventFile));
    const records = (await metricsWithoutTime(runDir)) as {
      name: string;
      step: number;
      value: number;
    }[];
    expect(scalars.map(({ tag, step, value }) => ({ tag, step, value }))).toEqual(
      records.map(({ name, step, value }) => ({ tag: name, step, value: Math.fround(value) })),
    );
  });

  it('tests the run on the test split with its saved scaler and writes test.json', async () => {
    const result = await runCh(['test', 'jsc-tiny', 'jsc', '--load', runDir], { cwd: dir, env });
    // --threads auto: evaluation takes two threads from two cores on.
    const threads = availableParallelism() >= 2 ? 2 : 1;
    expect(result.stderr).toBe(
      `using cached ${path.join(dir, 'cache', 'openml', '42468', 'hls4ml_lhc_jets_hlf.arff')}\nengine: fused${threads === 2 ? ', 2 threads' : ''}\n`,
    );
    expect(result.code).toBe(0);
    const report = await json(path.join(runDir, 'test.json'));
    expect(report.engine).toEqual({
      requested: 'auto',
      used: 'fused',
      reason: null,
      threads,
      evaluationThreads: threads,
    });
    const single = await runCh(['test', 'jsc-tiny', 'jsc', '--load', runDir, '--threads', '1'], {
      cwd: dir,
      env,
    });
    expect(single.code).toBe(0);
    const singleReport = await json(path.join(runDir, 'test.json'));
    expect(singleReport.engine).toMatchObject({ threads: 1, evaluationThreads: 1 });
    // One thread or two: the same report.
    for (const key of ['accuracy', 'loss', 'confusionMatrix'])
      expect(singleReport[key], key).toEqual(report[key]);
    expect(result.stdout).toMatch(
      new RegExp(`^accuracy ${report.accuracy.toFixed(4)}  loss `, 'm'),
    );
    // Loss and accuracy are printed once, in the report.
    expect(result.stdout.match(/accuracy/g)).toHaveLength(1);
    expect(result.stdout).toMatch(/precision/);
    expect(report.confusionMatrix).toHaveLength(5);
    expect(report.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(
      report.size,
    );
    const summary = await json(path.join(runDir, 'summary.json'));
    expect(report.accuracy).toBeCloseTo(summary.final.test_acc_epoch, 6);
  });

  it('tests on the tfjs engine with --engine tfjs, to the same metrics', async () => {
    const fused = await json(path.join(runDir, 'test.json'));
    const args = ['test', 'jsc-tiny', 'jsc', '--load', runDir, '--engine', 'tfjs', '--json'];
    const result = await runCh(args, { cwd: dir, env });
    expect(result.code).toBe(0);
    const tfjs = JSON.parse(result.stdout);
    expect(tfjs.engine.used).toBe('tfjs');
    expect(tfjs.confusionMatrix).toEqual(fused.confusionMatrix);
    expect(Math.abs(tfjs.loss - fused.loss)).toBeLessThan(1e-5);
  });

  it('refuses to test a checkpoint as another model, with one line', async () => {
    const result = await runCh(['test', 'jsc-toy', 'jsc', '--load', runDir], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: checkpoint .* was trained for model "jsc-tiny", not "jsc-toy"/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  /** A two-epoch jsc-toy run of seed `seed` into project `project`. */
  const toyRun = (project: string, seed: string, ...more: string[]) => [
    'train',
    'jsc-toy',
    'jsc',
    '--max-epochs',
    '2',
    ...FAST,
    '--seed',
    seed,
    '--project',
    project,
    ...more,
  ];

  it('gives identical metrics for the same seed and different ones for another', async () => {
    const args = (project: string, seed: string) => toyRun(project, seed, '--quiet');
    for (const [project, seed] of [
      ['seed-a', '3'],
      ['seed-b', '3'],
      ['seed-c', '4'],
    ])
      expect((await runCh(args(project, seed), { cwd: dir, env })).code).toBe(0);
    const [a, b, c] = await Promise.all(
      ['seed-a', 'seed-b', 'seed-c'].map(async (project) =>
        metricsWithoutTime(await runDirOf(project)),
      ),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('trains on two threads with --threads 2, deterministically, records it, and refuses --threads 3', async () => {
    const args = (project: string) => toyRun(project, '3', '--threads', '2');
    const first = await runCh(args('two-a'), { cwd: dir, env });
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^engine: fused, 2 threads$/m);
    expect((await runCh(args('two-b'), { cwd: dir, env })).code).toBe(0);
    const [a, b] = await Promise.all(
      ['two-a', 'two-b'].map(async (project) => metricsWithoutTime(await runDirOf(project))),
    );
    // Two processes, two threads each: the same metrics, whichever thread took which half when.
    expect(a).toEqual(b);
    const config = await json(path.join(await runDirOf('two-a'), 'config.json'));
    expect(config.options.threads).toBe(2);
    expect(config.engine).toEqual({
      requested: 'auto',
      used: 'fused',
      reason: null,
      threads: 2,
      evaluationThreads: 2,
    });
    // The same seed on one thread: the same run up to float32 rounding.
    const one = await metricsWithoutTime(await runDirOf('seed-a'));
    const loss = (records: unknown[]) =>
      (records as { name: string; value: number }[]).filter(
        (record) => record.name === 'train_loss_epoch',
      );
    loss(a).forEach((record, index) =>
      expect(Math.abs(record.value - loss(one)[index].value)).toBeLessThan(1e-4),
    );
    const bad = await runCh([...args('two-c'), '--threads', '3'], { cwd: dir, env });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('error: --threads: expected one of auto, 1, 2, got "3"');
  });

  it('takes defaults, then the config file, then flags, a flag winning even when equal to the default', async () => {
    await writeFile(
      path.join(dir, 'lab.toml'),
      '# settings for lab 1\nmax-epochs = 2\nbatch_size = 64\nlearning-rate = 0.02\n',
    );
    const result = await runCh(
      [
        'train',
        'jsc-tiny',
        'jsc',
        '--config',
        'lab.toml',
        '--batch-size',
        '128',
        '--project',
        'precedence',
        '--no-test',
      ],
      { cwd: dir, env },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^batch-size\s+128\s+flag$/m);
    expect(result.stderr).toMatch(/^max-epochs\s+2\s+config \(lab.toml\)$/m);
    const config = await json(path.join(await runDirOf('precedence'), 'config.json'));
    expect(config.options).toMatchObject({
      batchSize: 128,
      maxEpochs: 2,
      learningRate: 0.02,
      optimizer: 'adam',
    });
    // Values once (camelCase, in options); how each was asked for, by flag name; the whole command.
    expect(config.config.sources['batch-size']).toBe('flag');
    expect(config.config.sources['learning-rate']).toBe('config');
    expect(config.config.sources.optimizer).toBe('default');
    expect(config.config.argv).toEqual([
      'ch',
      'train',
      'jsc-tiny',
      'jsc',
      '--config',
      'lab.toml',
      '--batch-size',
      '128',
      '--project',
      'precedence',
      '--no-test',
    ]);
  });

  it('points at the line of a bad config file and writes nothing', async () => {
    await writeFile(path.join(dir, 'bad.toml'), 'max-epochs = 2\nbatch-size = "many"\n');
    const bad = await runCh(
      ['train', 'jsc-tiny', 'jsc', '--config', 'bad.toml', '--project', 'bad'],
      { cwd: dir, env },
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      `error: ${path.join(dir, 'bad.toml')}:2: batch-size: expected a whole number, got "many"\n`,
    );
    await writeFile(path.join(dir, 'typo.toml'), 'max-epochs = 2\nmax-epoch = 3\n');
    const typo = await runCh(
      ['train', 'jsc-tiny', 'jsc', '--config', 'typo.toml', '--project', 'bad'],
      { cwd: dir, env },
    );
    expect(typo.stderr).toMatch(
      /typo.toml:2: max-epoch: unknown setting; did you mean max-epochs\?/,
    );
    await writeFile(path.join(dir, 'broken.toml'), 'max-epochs = 2\nbatch-size = = 3\n');
    const broken = await runCh(
      ['train', 'jsc-tiny', 'jsc', '--config', 'broken.toml', '--project', 'bad'],
      { cwd: dir, env },
    );
    expect(broken.stderr).toMatch(/^error: .*broken.toml:2: not valid TOML/);
    expect(existsSync(path.join(dir, 'machop_output', 'bad'))).toBe(false);
  });

  it('refuses conflicting and invalid flags with one line each', async () => {
    const step = await runCh(['train', 'jsc-tiny', 'jsc', '--step-size', '3'], { cwd: dir, env });
    expect(step.stderr).toBe(
      'error: --step-size only applies to --scheduler step, but the scheduler is cosine\n',
    );
    const unknown = await runCh(['train', 'jsc-tny', 'jsc'], { cwd: dir, env });
    expect(unknown.stderr).toMatch(/^error: unknown model "jsc-tny": did you mean "jsc-tiny"/);
    const stray = await runCh(['train', 'jsc-tiny', 'jsc', '--hidden', '8'], { cwd: dir, env });
    expect(stray.stderr).toBe(
      'error: --hidden is an option of model mlp, not of jsc-tiny or jsc; remove it\n',
    );
    const time = await runCh(['train', 'jsc-tiny', 'jsc', '--max-time', 'soon'], { cwd: dir, env });
    expect(time.stderr).toMatch(/^error: --max-time: expected a duration such as 00:30:00/);
    for (const result of [step, unknown, stray, time]) expect(result.code).toBe(1);
  });

  it('resumes a run killed with SIGKILL and ends with the same metrics as an uninterrupted one', async () => {
    const args = (project: string) => [
      'train',
      'jsc-s',
      'jsc',
      '--max-epochs',
      '6',
      '--batch-size',
      '16',
      '--learning-rate',
      '0.003',
      '--seed',
      '5',
      '--project',
      project,
      '--quiet',
    ];
    expect((await runCh(args('whole'), { cwd: dir, env })).code).toBe(0);

    // Killed where it waits in the middle of its third epoch, two checkpointed epochs behind it:
    // the steps after the checkpoint are logged and must be cut back on resume.
    const whole = await readFile(path.join(await runDirOf('whole'), 'metrics.jsonl'), 'utf8');
    const perEpoch = (
      JSON.parse(whole.split('\n').find((line) => line.includes('"val_loss_epoch"'))!) as {
        step: number;
      }
    ).step;
    const pause = pauseAt(dir, `step:${2 * perEpoch + Math.ceil(perEpoch / 2)}`);
    const killed = startCh(args('killed'), { cwd: dir, env: { ...env, ...pause.env } });
    await pause.reached();
    killed.child.kill('SIGKILL');
    await killed.exited;
    const killedRun = await runDirOf('killed');
    expect(existsSync(path.join(killedRun, 'summary.json'))).toBe(false);

    const resumed = await runCh(['train', '--resume', killedRun, '--quiet'], { cwd: dir, env });
    expect(resumed.stderr).not.toMatch(/^error/m);
    expect(resumed.code).toBe(0);
    expect(await metricsWithoutTime(killedRun)).toEqual(
      await metricsWithoutTime(await runDirOf('whole')),
    );
    expect((await json(path.join(killedRun, 'summary.json'))).status).toBe('completed');
  });

  it('saves a last checkpoint and exits 130 on Ctrl-C', async () => {
    // Interrupted where it waits after its first epoch.
    const pause = pauseAt(dir, 'epoch:1');
    const run = startCh(
      ['train', 'jsc-s', 'jsc', '--max-epochs', '50', '--batch-size', '16', '--project', 'ctrl-c'],
      { cwd: dir, env: { ...env, ...pause.env } },
    );
    await pause.reached();
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    const stderr = run.stderr();
    expect(stderr).toMatch(/interrupted: finishing the current step and saving a last checkpoint/);
    const runDir = await runDirOf('ctrl-c');
    expect(stderr).toContain(`resume it with: ch train --resume ${runDir}\n`);
    expect(existsSync(path.join(runDir, 'checkpoints', 'last', 'model.json'))).toBe(true);
    expect((await json(path.join(runDir, 'summary.json'))).status).toBe('interrupted');
  });
});

describe('ch train on a CSV file', () => {
  it('learns the wine data set about as well as the known reference (0.95-1.0 for logistic regression)', async () => {
    const wine = path.resolve(import.meta.dirname, '../../../packages/datasets/fixtures/wine.csv');
    const result = await runCh(
      [
        'train',
        'mlp',
        'csv',
        '--data',
        wine,
        '--label-column',
        'label',
        '--hidden',
        '16',
        '--max-epochs',
        '40',
        '--batch-size',
        '16',
        '--learning-rate',
        '0.01',
        '--project',
        'wine',
        '--quiet',
        '--json',
      ],
      { cwd: dir, env },
    );
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({
      event: 'config',
      settings: { model: 'mlp', dataset: 'csv', hidden: [16] },
    });
    expect(lines.filter((line) => line.event === 'epoch')).toHaveLength(40);
    const end = lines.at(-1);
    expect(end).toMatchObject({ event: 'end', status: 'completed' });
    expect(end.summary.final.test_acc_epoch).toBeGreaterThan(0.85);
  });
});
