import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useJscProject } from './jsc-project.js';
import { pauseAt } from './pause.js';
import { runCh, startCh } from './run-ch.js';

// End to end: train jsc-tiny with the real `ch`, then search its precisions with MASE's own
// example config (unmodified, committed by @machop/graph with its SOURCE note).
const MASE_CONFIG = path.resolve(
  import.meta.dirname,
  '../../../packages/graph/fixtures/jsc_toy_by_type.toml',
);

let dir: string;
let env: NodeJS.ProcessEnv;
let run: string;
useJscProject('machop-search-', 3000, (setup) => ({ dir, env } = setup));

const ch = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
  runCh(args, { cwd: dir, env: { ...env, ...extra }, timeoutMs: 180_000 });
const json = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as unknown;

/** A row of MASE's log.json, as much of it as these tests read. */
interface LogRow {
  state: string;
  values_0: number;
  values_1: number;
  user_attrs_sampled_config: Record<string, { config: Record<string, number | string> }>;
  user_attrs_software_metrics: Record<string, number>;
  user_attrs_hardware_metrics: Record<string, number>;
}

/** A row of MASE's best.json. */
interface BestRow {
  number: number;
  value: number[];
}

/** The search folders of a project. */
async function searchesOf(project: string): Promise<string[]> {
  const root = path.join(dir, 'machop_output', project, 'software', 'search_ckpts');
  return existsSync(root) ? (await readdir(root)).map((name) => path.join(root, name)) : [];
}

/** log.json's rows without their times: what two searches of one seed share. */
async function trialsWithoutTimes(searchDir: string): Promise<unknown[]> {
  const log = (await json(path.join(searchDir, 'log.json'))) as Record<
    string,
    Record<string, unknown>
  >;
  return Object.values(log).map(
    ({ datetime_start: _start, datetime_complete: _complete, duration: _duration, ...rest }) =>
      rest,
  );
}

const search = (project: string, ...flags: string[]) => [
  'search',
  '--config',
  MASE_CONFIG,
  '--load',
  run,
  '--project',
  project,
  ...flags,
];

beforeAll(async () => {
  const trained = await ch([
    'train',
    'jsc-tiny',
    'jsc',
    '--max-epochs',
    '3',
    '--batch-size',
    '64',
    '--learning-rate',
    '0.01',
    '--project',
    'float',
  ]);
  expect(trained.code, trained.stderr).toBe(0);
  run = /^run: (.+)$/m.exec(trained.stdout)![1];
}, 240_000);

describe('ch search', () => {
  it("runs MASE's example config unmodified (TPE, 5 trials, two metrics): log.json and best.json", async () => {
    const result = await ch(['search', '--config', MASE_CONFIG, '--load', run]);
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.code).toBe(0);
    // What MASE's file asks for and Machop.ts does otherwise is a note, not an error.
    expect(result.stderr).toMatch(/^note: .*num_samples is ignored/m);
    expect(result.stdout).toMatch(/^trials: 5 \(done\)$/m);
    // The file's project, as MASE's outputs go under it.
    const [searchDir] = await searchesOf('jsc-tiny');
    expect(path.basename(searchDir)).toMatch(/^tpe-seed42-[0-9a-f]{8}$/);
    expect(Object.keys((await json(path.join(searchDir, 'log.json'))) as object)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
    ]);
    const best = Object.values(
      (await json(path.join(searchDir, 'best.json'))) as Record<string, BestRow>,
    );
    expect(best.length).toBeGreaterThan(0);
    // The printed Pareto set starts with best.json's first trial (repeats of it folded in).
    expect(result.stdout).toMatch(new RegExp(`^Pareto set:\ntrial .*\n${best[0].number}[ (]`, 'm'));
  });

  it("brute force enumerates MASE's 18 configurations of jsc-tiny, writing log.json, best.json and a CSV", async () => {
    const result = await ch(search('brute', '--strategy', 'brute-force', '--trials', '1000'));
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^trials: 18 \(every configuration tried\)$/m);
    expect(result.stdout).toMatch(/^Pareto set:$/m);
    const [searchDir] = await searchesOf('brute');
    const log = (await json(path.join(searchDir, 'log.json'))) as Record<string, LogRow>;
    const rows = Object.values(log);
    expect(rows).toHaveLength(18);
    const configs = rows.map((row) => {
      const { data_in_width, weight_width, bias_width } =
        row.user_attrs_sampled_config.seq_blocks_2.config;
      return `${data_in_width}/${weight_width}/${bias_width}`;
    });
    expect(new Set(configs).size).toBe(18);
    for (const row of rows) {
      expect(row.state).toBe('COMPLETE');
      const { weight_width, bias_width } = row.user_attrs_sampled_config.seq_blocks_2.config;
      const hardware = row.user_attrs_hardware_metrics;
      // By hand: seq_blocks_2 is the only quantized linear layer, so MASE's average bit width is
      // its weight width; jsc-tiny has 16 + 16 + 80 + 5 = 117 parameters; its size is the batch
      // norm's four float vectors of 16 plus 80 weights and 5 biases at their widths.
      const [weight, bias] = [Number(weight_width), Number(bias_width)];
      expect(hardware.average_bitwidth).toBe(weight);
      expect(hardware.memory_density).toBe(32 / weight);
      expect(hardware.parameters).toBe(117);
      expect(hardware.model_size_bits).toBe(4 * 16 * 32 + 80 * weight + 5 * bias);
      // MASE's scales: accuracy 1.0, average_bitwidth 0.2; the values in MASE's (sorted) order.
      expect(row.values_0).toBe(row.user_attrs_software_metrics.accuracy);
      expect(row.values_1).toBeCloseTo(0.2 * weight, 12);
    }
    const best = Object.values(
      (await json(path.join(searchDir, 'best.json'))) as Record<string, BestRow>,
    );
    expect(best.length).toBeGreaterThan(0);
    // The Pareto set: no trial of the log is at least as good in both and better in one.
    for (const trial of best)
      for (const other of rows)
        expect(
          other.values_0 >= trial.value[0] &&
            other.values_1 <= trial.value[1] &&
            (other.values_0 > trial.value[0] || other.values_1 < trial.value[1]),
        ).toBe(false);
    const csv = (await readFile(path.join(searchDir, 'trials.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(19);
  });

  it('gives the same trials and results for the same seed, and others for another seed', async () => {
    // TPE past its 10 random start-up trials: proposals that depend on every earlier result.
    const flags = ['--strategy', 'tpe', '--trials', '13', '--seed', '7'];
    for (const project of ['seed-a', 'seed-b'])
      expect((await ch(search(project, ...flags))).code).toBe(0);
    const other = await ch(
      search('seed-c', '--strategy', 'random', '--trials', '6', '--seed', '8'),
    );
    expect(other.code).toBe(0);
    const [a] = await searchesOf('seed-a');
    const [b] = await searchesOf('seed-b');
    const [c] = await searchesOf('seed-c');
    expect(await trialsWithoutTimes(a)).toEqual(await trialsWithoutTimes(b));
    expect(await trialsWithoutTimes(c)).not.toEqual(await trialsWithoutTimes(a));
  });

  it('goes on after SIGKILL and ends with the trials of an uninterrupted search', async () => {
    const flags = ['--strategy', 'tpe', '--trials', '14', '--seed', '3'];
    expect((await ch(search('whole', ...flags))).code).toBe(0);
    // Killed where it waits after its 11th trial (TPE's first model-based one) was saved.
    const pause = pauseAt(dir, 'trial:11');
    const killed = startCh(search('killed', ...flags), { cwd: dir, env: { ...env, ...pause.env } });
    await pause.reached();
    killed.child.kill('SIGKILL');
    await killed.exited;
    const [searchDir] = await searchesOf('killed');
    expect(existsSync(path.join(searchDir, 'log.json'))).toBe(false);
    expect(
      ((await json(path.join(searchDir, 'study.json'))) as { trials: unknown[] }).trials,
    ).toHaveLength(11);
    const resumed = await ch(search('killed', ...flags));
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/^resuming search tpe-seed3-\w+ after 11 trials$/m);
    const [whole] = await searchesOf('whole');
    expect(await trialsWithoutTimes(searchDir)).toEqual(await trialsWithoutTimes(whole));
    expect(await trialsWithoutTimes(searchDir)).toHaveLength(14);
  });

  it('stops on Ctrl-C after the trial under way with 130, its outputs written, and goes on', async () => {
    const flags = ['--strategy', 'random', '--trials', '5', '--seed', '1'];
    const pause = pauseAt(dir, 'trial:2');
    const interrupted = startCh(search('ctrl-c', ...flags), {
      cwd: dir,
      env: { ...env, ...pause.env },
    });
    await pause.reached();
    interrupted.child.kill('SIGINT');
    expect(await interrupted.exited).toBe(130);
    expect(interrupted.stdout()).toMatch(/^trials: 2 \(interrupted; the same command goes on\)$/m);
    const [searchDir] = await searchesOf('ctrl-c');
    expect(Object.keys((await json(path.join(searchDir, 'log.json'))) as object)).toHaveLength(2);
    const resumed = await ch(search('ctrl-c', ...flags, '--resume'));
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^trials: 5 \(done\)$/m);
  });

  it('refuses bad input in one line, exits non-zero and writes nothing', async () => {
    const unknown = await ch(search('bad', '--strategy', 'brute-forse'));
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(
      /^error: unknown strategy "brute-forse": did you mean "brute-force"\?/m,
    );
    const metric = await ch(search('bad', '--metric', 'acuracy:max:1'));
    expect(metric.code).not.toBe(0);
    expect(metric.stderr).toMatch(
      /^error: --metric acuracy:max:1: there is no metric "acuracy"; did you mean "accuracy"\?/m,
    );
    const noRun = await ch([
      'search',
      '--config',
      MASE_CONFIG,
      '--project',
      'bad',
      '--strategy',
      'random',
    ]);
    expect(noRun.code).not.toBe(0);
    expect(noRun.stderr).toMatch(/^error: ch search needs a trained run: pass --load RUN/m);
    const resume = await ch(search('bad', '--strategy', 'random', '--resume'));
    expect(resume.code).not.toBe(0);
    expect(resume.stderr).toMatch(/^error: there is no search random-seed42-\w+ to resume/m);
    expect(await searchesOf('bad')).toEqual([]);
  });
});
