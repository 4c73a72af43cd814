import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { count, metricsWithoutTime, useJscProject } from './jsc-project.js';
import { pauseAt } from './pause.js';
import { runCh, startCh, until } from './run-ch.js';

// Real processes, real signals, real files: runs that are resumed twice at once, killed inside a
// checkpoint replacement, killed before their first checkpoint, or terminated.
let dir: string;
let env: NodeJS.ProcessEnv;
useJscProject('machop-hardening-', 4000, (ready) => ({ dir, env } = ready));

const trainArgs = (project: string, epochs: number) => [
  'train',
  'jsc-s',
  'jsc',
  '--max-epochs',
  String(epochs),
  '--batch-size',
  '16',
  '--learning-rate',
  '0.003',
  '--seed',
  '7',
  '--project',
  project,
  '--quiet',
];

const start = (args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  startCh(args, { cwd: dir, env: { ...env, ...extraEnv } });

async function onlyRun(project: string): Promise<string> {
  const root = path.join(dir, 'machop_output', project);
  const runs = (await readdir(root)).filter((name) => !name.startsWith('.'));
  expect(runs).toHaveLength(1);
  return path.join(root, runs[0]);
}

describe('runs that must not break', () => {
  it('lets one of two simultaneous resumes of a run write, and refuses the other with one line', async () => {
    expect((await runCh(trainArgs('twice', 1), { cwd: dir, env })).code).toBe(0);
    const runDir = await onlyRun('twice');
    // A resume long enough to still be writing when the second one starts.
    const first = start(['train', '--resume', runDir, '--max-epochs', '500']);
    await until(() => existsSync(path.join(runDir, 'run.lock')), 'the first resume to lock', {
      everyMs: 10,
    });
    const second = await runCh(['train', '--resume', runDir, '--max-epochs', '500', '--quiet'], {
      cwd: dir,
      env,
    });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(
        `^error: run ${runDir} is in use by "ch train --resume ${runDir} --max-epochs 500" \\(pid ${first.child.pid} on .+, since .+\\); wait for it to end or stop it`,
        'm',
      ),
    );
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(143);
    // The run is whole: every completed epoch is logged once, and it trains one epoch further.
    const done = (
      JSON.parse(await readFile(path.join(runDir, 'summary.json'), 'utf8')) as {
        epochs: number;
      }
    ).epochs;
    const further = await runCh(
      ['train', '--resume', runDir, '--max-epochs', String(done + 1), '--quiet'],
      { cwd: dir, env },
    );
    expect(further.stderr).toBe('');
    expect(further.code).toBe(0);
    expect(await count(path.join(runDir, 'metrics.jsonl'), '"val_loss_epoch"')).toBe(done + 1);
    expect(existsSync(path.join(runDir, 'run.lock'))).toBe(false);
  });

  it('resumes a run killed between the two renames that replace a checkpoint', async () => {
    expect((await runCh(trainArgs('whole', 3), { cwd: dir, env })).code).toBe(0);
    const marker = path.join(dir, 'in-the-window');
    const killed = start(trainArgs('window', 3), { MACHOP_TEST_HOLD_BETWEEN_RENAMES: marker });
    await until(() => existsSync(marker), 'the writer to enter the window', { everyMs: 10 });
    killed.child.kill('SIGKILL');
    await killed.exited;
    const runDir = await onlyRun('window');
    const checkpoints = await readdir(path.join(runDir, 'checkpoints'));
    // One of best/last is missing, with its old and its complete new copy beside it.
    expect(checkpoints.filter((name) => name === 'best' || name === 'last')).toHaveLength(1);
    expect(checkpoints.some((name) => /^\.(best|last)\.ready-/.test(name))).toBe(true);

    const resumed = await runCh(['train', '--resume', runDir, '--quiet'], { cwd: dir, env });
    expect(resumed.stderr).not.toMatch(/^error/m);
    expect(resumed.code).toBe(0);
    expect(await metricsWithoutTime(runDir)).toEqual(
      await metricsWithoutTime(await onlyRun('whole')),
    );
    expect((await readdir(path.join(runDir, 'checkpoints'))).sort()).toEqual(['best', 'last']);
  });

  it('starts a run killed before its first checkpoint again, and ends as an uninterrupted run', async () => {
    // Killed where it waits after its first step, long before the first checkpoint.
    const pause = pauseAt(dir, 'step:1');
    const killed = start(trainArgs('early', 3), pause.env);
    await pause.reached();
    killed.child.kill('SIGKILL');
    await killed.exited;
    const runDir = await onlyRun('early');
    expect(existsSync(path.join(runDir, 'checkpoints'))).toBe(false);
    const resumed = await runCh(['train', '--resume', runDir], { cwd: dir, env });
    expect(resumed.stderr).toContain(
      'stopped before its first checkpoint: training it again from the start with its saved settings',
    );
    expect(resumed.code).toBe(0);
    expect(await metricsWithoutTime(runDir)).toEqual(
      await metricsWithoutTime(await onlyRun('whole')),
    );
  });

  it('exits 143 on SIGTERM with a last checkpoint, and prints the command that resumes it', async () => {
    // Terminated where it waits after its first epoch.
    const pause = pauseAt(dir, 'epoch:1');
    const run = start(
      [
        'train',
        'jsc-tiny',
        'jsc',
        '--max-epochs',
        '500',
        '--batch-size',
        '64',
        '--project',
        'term',
      ],
      pause.env,
    );
    await pause.reached();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(143);
    const runDir = await onlyRun('term');
    expect(run.stderr()).toMatch(
      /terminated: finishing the current step and saving a last checkpoint/,
    );
    expect(run.stderr()).toContain(`resume it with: ch train --resume ${runDir}\n`);
    expect(existsSync(path.join(runDir, 'checkpoints', 'last', 'model.json'))).toBe(true);
    expect(existsSync(path.join(runDir, 'run.lock'))).toBe(false);
  });
});

describe('input that must not crash', () => {
  const wine = path.resolve(import.meta.dirname, '../../../packages/datasets/fixtures/wine.csv');

  it('answers each bad input with one line, a non-zero exit and no run folder', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'tables.toml'), 'max-epochs = 2\n\n[model]\nwidth = 3\n');
    const cases: [string[], RegExp][] = [
      [
        ['train', 'jsc-tiny', 'jsc', '--frobnicate'],
        /^error: unknown flag --frobnicate for ch train \(run "ch train --help" to see its flags\)$/,
      ],
      [
        ['train', 'jsc-tiny', 'jsc', '--config', 'tables.toml'],
        /^error: .+tables\.toml:3: "model" is a table, but settings files hold only flat key = value settings; write its keys at the top level by their flag names/,
      ],
      [
        ['train', 'jsc-tiny', 'jsc', '--batch-size', '1000000000'],
        /^error: batchSize \(--batch-size\) must be a whole number from 1 to 16777216, got 1000000000$/,
      ],
      [
        ['train', 'mlp', 'csv', '--data', process.execPath, '--label-column', 'label'],
        /^error: .+: the file is not text \(a NUL byte at byte \d+\); pass a CSV text file$/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await runCh([...args, '--project', 'bad', '--quiet'], { cwd: dir, env });
      expect(result.stderr.trim()).toMatch(message);
      expect(result.code).toBe(1);
    }
    expect(existsSync(path.join(dir, 'machop_output', 'bad'))).toBe(false);
  });

  it('says what a checkpoint was trained on when ch test is given another data set', async () => {
    const trained = await runCh(
      ['train', 'mlp', 'csv', '--data', wine, '--label-column', 'label', '--max-epochs', '1'],
      { cwd: dir, env: { ...env }, timeoutMs: 120_000 },
    );
    expect(trained.code).toBe(0);
    const runDir = /^run: (.+)$/m.exec(trained.stdout)![1];
    const tested = await runCh(['test', 'mlp', 'jsc', '--load', runDir], { cwd: dir, env });
    expect(tested.code).toBe(1);
    expect(tested.stderr).toMatch(
      /^error: checkpoint .+ was trained on data set "csv" \(13 features, 3 classes\), not on data set "jsc"; test it on csv/m,
    );
  });
});

describe('ch test --load RUN needs nothing else', () => {
  const wine = path.resolve(import.meta.dirname, '../../../packages/datasets/fixtures/wine.csv');
  const plugin = `export default {
  name: 'wide-plugin',
  apiVersion: 1,
  setup(registry) {
    registry.models.add('wide-mlp', {
      description: 'one hidden layer',
      task: 'classification',
      options: [{ name: 'units', type: 'integer', description: 'hidden units', default: 16 }],
      create: ({ features, classes, options, tf }) =>
        tf.sequential({ layers: [tf.layers.dense({ inputShape: [features], units: options.units, activation: 'relu' }), tf.layers.dense({ units: classes })] }),
    });
  },
};
`;

  it('tests a run of a built-in model and one of a plugin model by the run alone', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'plugins'), { recursive: true });
    await writeFile(path.join(dir, 'plugins', 'wide.mjs'), plugin);
    const trained = await runCh(
      [
        'train',
        'wide-mlp',
        'csv',
        '--plugin',
        './plugins/wide.mjs',
        '--data',
        wine,
        '--label-column',
        'label',
        '--units',
        '12',
        '--max-epochs',
        '30',
        '--batch-size',
        '16',
        '--learning-rate',
        '0.01',
        '--project',
        'plugin-run',
        '--quiet',
      ],
      { cwd: dir, env },
    );
    expect(trained.stderr).toBe('');
    const runDir = await onlyRun('plugin-run');
    const config = JSON.parse(await readFile(path.join(runDir, 'config.json'), 'utf8'));
    expect(config.config.plugins).toEqual([
      { name: 'wide-plugin', source: path.join(dir, 'plugins', 'wide.mjs') },
    ]);

    const tested = await runCh(['test', '--load', runDir], { cwd: dir, env });
    expect(tested.stderr).not.toMatch(/^error/m);
    expect(tested.code).toBe(0);
    expect(tested.stdout).toMatch(/^accuracy \d\.\d{4} {2}loss \d/m);

    const contradicted = await runCh(['test', '--load', runDir, '--units', '16'], {
      cwd: dir,
      env,
    });
    expect(contradicted.code).toBe(1);
    expect(contradicted.stderr).toMatch(
      /^error: checkpoint .+ was trained with units 12, not 16; leave units \(--units\) out to test it as trained$/m,
    );

    const builtIn = await runCh(trainArgs('builtin-test', 1), { cwd: dir, env });
    expect(builtIn.code).toBe(0);
    const alone = await runCh(['test', '--load', await onlyRun('builtin-test')], { cwd: dir, env });
    expect(alone.code).toBe(0);
    expect(alone.stdout).toMatch(/^accuracy \d\.\d{4} {2}loss \d/m);
  });
});
