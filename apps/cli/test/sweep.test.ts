import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useJscProject } from './jsc-project.js';
import { pauseAt } from './pause.js';
import { runCh, startCh } from './run-ch.js';

// End to end: `ch sweep` and `ch runs`, the real binary with real worker processes, training on
// JSC-shaped data from a loopback OpenML server. Epochs are few so the studies stay small.
let dir: string;
let env: NodeJS.ProcessEnv;
const FAST = ['--log-every-n-steps', '5', '--learning-rate', '0.01'];

useJscProject('machop-sweep-', 2000, (ready) => ({ dir, env } = ready));

const json = async (file: string) => JSON.parse(await readFile(file, 'utf8'));

interface Record {
  name: string;
  epoch: number;
  step: number;
  value: number | null;
}

async function records(runDir: string): Promise<Record[]> {
  const text = await readFile(path.join(runDir, 'metrics.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record);
}

/** Run folders of a project (sweeps/ is not a run). */
async function runFolders(project: string): Promise<string[]> {
  const root = path.join(dir, 'machop_output', project);
  return (await readdir(root)).filter((name) => name !== 'sweeps').sort();
}

async function sweepOf(project: string) {
  const sweeps = path.join(dir, 'machop_output', project, 'sweeps');
  const [id] = await readdir(sweeps);
  return {
    id,
    dir: path.join(sweeps, id),
    record: await json(path.join(sweeps, id, 'sweep.json')),
  };
}

function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance =
    values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

describe('ch sweep', () => {
  let gridId: string;

  it('runs a 3x2 grid with 2 seeds on 2 workers, and tabulates mean ± std from the runs', async () => {
    const result = await runCh(
      [
        'sweep',
        'jsc-tiny',
        'jsc',
        '--grid',
        'batch-size=128,256,512',
        '--grid',
        'optimizer=adam,sgd',
        '--seeds',
        '0,1',
        '--max-epochs',
        '2',
        ...FAST,
        '--workers',
        '2',
        '--project',
        'grid',
      ],
      { cwd: dir, env, timeoutMs: 600_000 },
    );
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.code).toBe(0);
    // One line per finished trial.
    expect(result.stderr.match(/^\[\d+\/12\] \S+ completed/gm)).toHaveLength(12);

    const folders = await runFolders('grid');
    expect(folders).toHaveLength(12);
    expect(folders).toContain('bs128_optadam_s0');
    expect(folders).toContain('bs512_optsgd_s1');
    const sweep = await sweepOf('grid');
    gridId = sweep.id;
    expect(result.stdout).toContain(`sweep: ${gridId}`);
    expect(sweep.record.trials).toHaveLength(12);
    expect(
      sweep.record.trials.every((trial: { status: string }) => trial.status === 'completed'),
    ).toBe(true);

    // Each trial is an ordinary run with its membership in config.json.
    const finals = new Map<
      string,
      { seed: number; val: number; bestVal: number; test: number }[]
    >();
    for (const name of folders) {
      const runDir = path.join(dir, 'machop_output', 'grid', name);
      const config = await json(path.join(runDir, 'config.json'));
      expect(config.sweep).toMatchObject({ id: gridId, trial: name });
      expect(config.options.batchSize).toBe(config.sweep.point['batch-size']);
      expect(config.options.optimizer).toBe(config.sweep.point.optimizer);
      expect(config.options.seed).toBe(config.sweep.seed);
      expect(config.options.maxEpochs).toBe(2);
      const own = await records(runDir);
      const val = own
        .filter((record) => record.name === 'val_acc_epoch')
        .map((record) => record.value!);
      expect(val).toHaveLength(2);
      const test = own
        .filter((record) => record.name === 'test_acc_epoch')
        .map((record) => record.value!);
      const key = JSON.stringify([config.sweep.point['batch-size'], config.sweep.point.optimizer]);
      finals.set(key, [
        ...(finals.get(key) ?? []),
        {
          seed: config.sweep.seed,
          val: val[val.length - 1],
          bestVal: Math.max(...val),
          test: test[test.length - 1],
        },
      ]);
    }

    // The table in sweep.json matches values recomputed here from each run's metrics.jsonl.
    const table = sweep.record.table;
    expect(table.rows).toHaveLength(6);
    expect(table.parameters).toEqual(['batch-size', 'optimizer']);
    for (const row of table.rows) {
      const seeds = finals.get(JSON.stringify([row.point['batch-size'], row.point.optimizer]))!;
      expect(seeds).toHaveLength(2);
      const final = meanStd(seeds.map((seed) => seed.val));
      expect(row.metrics.val_acc_epoch.final.mean).toBeCloseTo(final.mean, 12);
      expect(row.metrics.val_acc_epoch.final.std).toBeCloseTo(final.std, 12);
      const best = meanStd(seeds.map((seed) => seed.bestVal));
      expect(row.metrics.val_acc_epoch.best.mean).toBeCloseTo(best.mean, 12);
      expect(row.metrics.val_acc_epoch.best.std).toBeCloseTo(best.std, 12);
      const test = meanStd(seeds.map((seed) => seed.test));
      expect(row.metrics.test_acc_epoch.final.mean).toBeCloseTo(test.mean, 12);
      expect(row.metrics.test_acc_epoch.final.std).toBeCloseTo(test.std, 12);
      const bySeed = [...seeds].sort((a, b) => b.val - a.val);
      expect(row.bestSeed.value).toBe(bySeed[0].val);
      expect(row.worstSeed.value).toBe(bySeed[1].val);
      expect(row.epochs.mean).toBe(2);
    }
    // In the order of the swept values (batch size ascending, then optimizer), the best marked.
    expect(table.rows.map((row: { point: object }) => Object.values(row.point).join(' '))).toEqual([
      '128 adam',
      '128 sgd',
      '256 adam',
      '256 sgd',
      '512 adam',
      '512 sgd',
    ]);
    const means = table.rows.map(
      (row: { metrics: { val_acc_epoch: { final: { mean: number } } } }) =>
        row.metrics.val_acc_epoch.final.mean,
    );
    expect(means[table.best]).toBe(Math.max(...means));

    // sweep.csv: a header and one row per point, in the same order.
    const csv = (await readFile(path.join(sweep.dir, 'sweep.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(7);
    expect(csv[0].split(',').slice(0, 5)).toEqual([
      'batch-size',
      'optimizer',
      'seeds',
      'val_acc_epoch_final_mean',
      'val_acc_epoch_final_std',
    ]);
    const first = csv[1].split(',');
    expect(Number(first[3])).toBeCloseTo(means[0], 12);
  });

  it("gives a trial the numbers ch train gives with the same settings (a worker's shared data set changes nothing)", async () => {
    const solo = await runCh(
      [
        'train',
        'jsc-tiny',
        'jsc',
        '--batch-size',
        '512',
        '--optimizer',
        'sgd',
        '--seed',
        '1',
        '--max-epochs',
        '2',
        ...FAST,
        '--project',
        'solo',
      ],
      { cwd: dir, env },
    );
    expect(solo.code).toBe(0);
    const [soloRun] = await runFolders('solo');
    const values = async (runDir: string) =>
      (await records(runDir))
        .filter((record) => record.name.endsWith('_epoch'))
        .map((record) => [record.name, record.epoch, record.value]);
    expect(await values(path.join(dir, 'machop_output', 'grid', 'bs512_optsgd_s1'))).toEqual(
      await values(path.join(dir, 'machop_output', 'solo', soloRun)),
    );
  });

  it('lists the trials with ch runs: only the settings that differ, filtered and sorted', async () => {
    const all = await runCh(
      ['runs', '--project', 'grid', '--sweep', gridId, '--csv', '--sort', 'val_acc_epoch'],
      {
        cwd: dir,
        env,
      },
    );
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines).toHaveLength(13);
    const header = lines[0].split(',');
    expect(header.slice(0, 2)).toEqual(['name', 'status']);
    expect(header).toContain('batch-size');
    expect(header).toContain('optimizer');
    expect(header).toContain('seed');
    expect(header).not.toContain('max-epochs');
    expect(header).not.toContain('model');
    const column = header.indexOf('val_acc_epoch final');
    const values = lines.slice(1).map((line) => Number(line.split(',')[column]));
    expect(values).toEqual([...values].sort((a, b) => b - a));

    const filtered = await runCh(
      [
        'runs',
        '--project',
        'grid',
        '--filter',
        'batch-size>=256',
        '--filter',
        'optimizer=sgd',
        '--json',
      ],
      { cwd: dir, env },
    );
    expect(filtered.code).toBe(0);
    const rows = filtered.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.map((row: { name: string }) => row.name).sort()).toEqual([
      'bs256_optsgd_s0',
      'bs256_optsgd_s1',
      'bs512_optsgd_s0',
      'bs512_optsgd_s1',
    ]);
    expect(Object.keys(rows[0].settings).sort()).toEqual(['batch-size', 'seed']);
  });

  it('records a failing trial, finishes the others and exits non-zero', async () => {
    // Bad values are refused before the sweep starts; a missing checkpoint to --load is found only
    // when the trial runs. The other trial loads the first test's run.
    const good = path.join(dir, 'machop_output', 'grid', 'bs128_optadam_s0');
    const missing = path.join(dir, 'no-such-run');
    const result = await runCh(
      [
        'sweep',
        'jsc-tiny',
        'jsc',
        '--grid',
        `load=${good},${missing}`,
        '--max-epochs',
        '1',
        ...FAST,
        '--workers',
        '2',
        '--project',
        'failing',
      ],
      { cwd: dir, env },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^\[\d\/2\] \S+ failed: .*no-such-run/m);
    expect(result.stderr).toMatch(/^\[\d\/2\] \S+ completed/m);
    expect(result.stderr).toMatch(/^failed: \S+: .*no-such-run/m);
    const sweep = await sweepOf('failing');
    const byLoad = Object.fromEntries(
      sweep.record.trials.map((trial: { point: { load: string } }) => [trial.point.load, trial]),
    );
    expect(byLoad[good].status).toBe('completed');
    expect(byLoad[missing]).toMatchObject({ status: 'failed', error: { code: 'E_CHECKPOINT' } });
    expect(await runFolders('failing')).toEqual([byLoad[good].runId]);
    expect(sweep.record.table.rows).toHaveLength(1);
  });

  it('survives SIGKILL midway: the same command again finishes every trial exactly once', async () => {
    const args = [
      'sweep',
      'jsc-tiny',
      'jsc',
      '--grid',
      'batch-size=64,128',
      '--repeat',
      '2',
      '--max-epochs',
      '4',
      ...FAST,
      '--workers',
      '2',
      '--project',
      'killed',
    ];
    // Trials wait after their first epoch's checkpoint: killed there, they must resume.
    const pause = pauseAt(dir, 'epoch:1');
    const killed = startCh(args, { cwd: dir, env: { ...env, ...pause.env }, detached: true });
    const root = path.join(dir, 'machop_output', 'killed');
    await pause.reached(2);
    process.kill(-killed.child.pid!, 'SIGKILL');
    await killed.exited;
    const before = (await sweepOf('killed')).record;
    expect(before.trials.some((trial: { status: string }) => trial.status !== 'completed')).toBe(
      true,
    );

    const again = await runCh(args, { cwd: dir, env, timeoutMs: 600_000 });
    expect(again.stderr).not.toMatch(/^error/m);
    expect(again.code, again.stderr).toBe(0);
    const folders = await runFolders('killed');
    expect(folders).toEqual(['bs128_s0', 'bs128_s1', 'bs64_s0', 'bs64_s1']);
    let resumed = 0;
    for (const name of folders) {
      const runDir = path.join(root, name);
      expect((await json(path.join(runDir, 'summary.json'))).status).toBe('completed');
      // Every epoch logged exactly once, even for the trial that was resumed.
      const epochs = (await records(runDir))
        .filter((record) => record.name === 'val_acc_epoch')
        .map((record) => record.epoch);
      expect(epochs).toEqual([0, 1, 2, 3]);
      resumed += (await json(path.join(runDir, 'config.json'))).resumes.length;
    }
    expect(resumed).toBeGreaterThan(0);
    const after = await sweepOf('killed');
    expect(
      after.record.trials.every((trial: { status: string }) => trial.status === 'completed'),
    ).toBe(true);

    // --resume of a finished sweep has nothing left to run.
    const resume = await runCh(['sweep', '--resume', after.id], { cwd: dir, env });
    expect(resume.code).toBe(0);
    expect(resume.stderr).toContain('4 trials (4 already finished, 0 to run)');
  });
});

describe('ch sweep on Ctrl-C', () => {
  it('stops cleanly (trials save a checkpoint, end interrupted) and --resume continues them', async () => {
    const args = [
      'sweep',
      'jsc-tiny',
      'jsc',
      '--grid',
      'batch-size=64',
      '--repeat',
      '2',
      '--max-epochs',
      '6',
      ...FAST,
      '--workers',
      '2',
      '--project',
      'ctrl-c',
    ];
    // Trials wait after their first epoch's checkpoint, where Ctrl-C comes.
    const pause = pauseAt(dir, 'epoch:1');
    const interrupted = startCh(args, { cwd: dir, env: { ...env, ...pause.env }, detached: true });
    const root = path.join(dir, 'machop_output', 'ctrl-c');
    await pause.reached(2);
    // What a terminal does on Ctrl-C: SIGINT to the whole foreground process group.
    process.kill(-interrupted.child.pid!, 'SIGINT');
    expect(await interrupted.exited).toBe(130);
    const sweep = await sweepOf('ctrl-c');
    // A trial a busy machine had not started yet when Ctrl-C came is still pending.
    for (const trial of sweep.record.trials)
      expect(['interrupted', 'completed', 'pending']).toContain(trial.status);
    expect(
      sweep.record.trials.some((trial: { status: string }) => trial.status === 'interrupted'),
    ).toBe(true);
    for (const name of await runFolders('ctrl-c')) {
      expect(existsSync(path.join(root, name, 'run.lock'))).toBe(false);
      expect(existsSync(path.join(root, name, 'checkpoints', 'last'))).toBe(true);
    }

    const resumed = await runCh(['sweep', '--resume', sweep.id], {
      cwd: dir,
      env,
      timeoutMs: 600_000,
    });
    expect(resumed.stderr).not.toMatch(/^error/m);
    expect(resumed.code).toBe(0);
    expect(await runFolders('ctrl-c')).toEqual(['s0', 's1']);
    for (const name of ['s0', 's1']) {
      const epochs = (await records(path.join(root, name)))
        .filter((record) => record.name === 'val_acc_epoch')
        .map((record) => record.epoch);
      expect(epochs).toEqual([0, 1, 2, 3, 4, 5]);
    }
  });
});

describe('ch sweep refuses bad input with one line and writes nothing', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'an unknown flag in a grid',
      ['--grid', 'batch-sise=64,128'],
      /^error: --grid batch-sise: unknown setting "batch-sise"; did you mean batch-size\?/,
    ],
    ['an empty grid', ['--grid', 'batch-size='], /^error: --grid batch-size=: empty grid/],
    [
      'a range that does not parse',
      ['--grid', 'learning-rate=1e-6:1e-1:log:six'],
      /^error: --grid learning-rate=1e-6:1e-1:log:six: range count must be a whole number/,
    ],
    [
      'zero workers',
      ['--grid', 'batch-size=64', '--workers', '0'],
      /^error: --workers must be a whole number from 1 up, got 0$/m,
    ],
  ];
  for (const [what, flags, message] of cases)
    it(what, async () => {
      const result = await runCh(['sweep', 'jsc-tiny', 'jsc', ...flags, '--project', 'bad'], {
        cwd: dir,
        env,
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(path.join(dir, 'machop_output', 'bad'))).toBe(false);
    });

  it('a sweep file with an unknown key, named by file:line', async () => {
    const file = path.join(dir, 'study.toml');
    await writeFile(
      file,
      'method = "grid"\n\n[parameters.batch-size]\nvalues = [64, 128]\nstep = 2\n',
    );
    const result = await runCh(['sweep', 'jsc-tiny', 'jsc', '--sweep', file, '--project', 'bad'], {
      cwd: dir,
      env,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: ${file}:5: unknown key "parameters.batch-size.step" (allowed here: values, value, min, max, distribution)\n`,
    );
    expect(existsSync(path.join(dir, 'machop_output', 'bad'))).toBe(false);
  });
});
