import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useJscProject } from './jsc-project.js';
import { pauseAt } from './pause.js';
import { runCh, startCh } from './run-ch.js';

// End to end: real searches of a trained jsc-tiny by the real `ch search`, then `ch plot
// --search` on their folders.
const MASE_CONFIG = path.resolve(
  import.meta.dirname,
  '../../../packages/graph/fixtures/jsc_toy_by_type.toml',
);

let dir: string;
let env: NodeJS.ProcessEnv;
let run: string;
useJscProject('machop-plot-search-', 2000, (setup) => ({ dir, env } = setup));

const ch = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
  runCh(args, { cwd: dir, env: { ...env, ...extra }, timeoutMs: 180_000 });

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

/** The search ids of a project, in name order. */
async function searchIds(project: string): Promise<string[]> {
  const root = path.join(dir, 'machop_output', project, 'software', 'search_ckpts');
  return existsSync(root) ? (await readdir(root)).sort() : [];
}

/** The event `ch plot --search ... --json` prints. */
interface PlotEvent {
  out: string;
  searches: string[];
  trials: number;
  front: number[];
  notes: string[];
}

const plot = async (...flags: string[]) => {
  const result = await ch(['plot', ...flags, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as PlotEvent;
};

beforeAll(async () => {
  const trained = await ch([
    'train',
    'jsc-tiny',
    'jsc',
    '--max-epochs',
    '2',
    '--batch-size',
    '64',
    '--learning-rate',
    '0.01',
    '--project',
    'float',
  ]);
  expect(trained.code, trained.stderr).toBe(0);
  run = /^run: (.+)$/m.exec(trained.stdout)![1];
  for (const flags of [
    ['--strategy', 'brute-force', '--trials', '100'],
    ['--strategy', 'random', '--trials', '8', '--seed', '1'],
    ['--strategy', 'random', '--trials', '8', '--seed', '2'],
    ['--strategy', 'tpe', '--trials', '8', '--seed', '1'],
  ]) {
    const result = await ch(search('mp', ...flags));
    expect(result.code, result.stderr).toBe(0);
  }
}, 400_000);

describe('ch plot --search', () => {
  it("draws a search's Pareto front: the trials no other beats in accuracy and bits", async () => {
    const [brute] = (await searchIds('mp')).filter((id) => id.startsWith('brute-force'));
    const event = await plot('--search', brute, '--out', 'front.svg');
    expect(event.out).toBe(path.join(dir, 'front.svg'));
    // The front, computed here from MASE's log.json: accuracy up, average bit width down.
    const log = JSON.parse(
      await readFile(
        path.join(dir, 'machop_output', 'mp', 'software', 'search_ckpts', brute, 'log.json'),
        'utf8',
      ),
    ) as Record<
      string,
      {
        number: number;
        user_attrs_software_metrics: { accuracy: number };
        user_attrs_hardware_metrics: { average_bitwidth: number };
      }
    >;
    const rows = Object.values(log).map((row) => ({
      number: row.number,
      accuracy: row.user_attrs_software_metrics.accuracy,
      bits: row.user_attrs_hardware_metrics.average_bitwidth,
    }));
    const front = rows
      .filter(
        (row) =>
          !rows.some(
            (other) =>
              other.accuracy >= row.accuracy &&
              other.bits <= row.bits &&
              (other.accuracy > row.accuracy || other.bits < row.bits),
          ),
      )
      .map((row) => row.number);
    expect(event.trials).toBe(18);
    expect(event.front).toEqual(front);
    expect(event.notes).toEqual([]);
    const svg = await readFile(event.out, 'utf8');
    expect(svg).toMatch(/^<svg/);
    for (const words of [
      'average weight bit width (bits)',
      'validation accuracy (%)',
      'trial number',
      'Pareto front',
      'sample efficiency',
    ])
      expect(svg).toContain(words);
  });

  it('compares the strategies of one project and space, seeds as a mean with a band', async () => {
    const ids = await searchIds('mp');
    const random = ids.filter((id) => id.startsWith('random'));
    const tpe = ids.filter((id) => id.startsWith('tpe'));
    // Alone, a search is compared with every search of its project over the same space.
    const all = await plot('--search', random[0], '--project', 'mp', '--out', 'all.png');
    expect(all.searches.slice().sort()).toEqual(ids);
    const png = await readFile(all.out);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // Named, only those: two seeds of random search become one line, with a band.
    const named = await plot('--search', random[0], '--search', random[1], '--search', tpe[0]);
    expect(named.searches).toEqual([random[0], random[1], tpe[0]]);
    const svg = await readFile(named.out, 'utf8');
    expect(path.basename(named.out)).toBe(`${random[0]}.svg`);
    expect(svg).toContain('mean of up to 2 seeds, band: min–max');
    for (const strategy of ['random', 'tpe']) expect(svg).toContain(`>${strategy}<`);
  });

  it('names the known searches when an id is unknown, in one line', async () => {
    const [tpe] = (await searchIds('mp')).filter((id) => id.startsWith('tpe'));
    const result = await ch(['plot', '--search', tpe.slice(0, -1), '--out', 'none.svg']);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`did you mean "${tpe}"?`);
    expect(result.stderr).toContain('known: ');
    expect(existsSync(path.join(dir, 'none.svg'))).toBe(false);
    // A flag of run plots has no meaning for a search's figure: refused, not ignored.
    const mixed = await ch(['plot', '--search', tpe, '--metric', 'val_loss_epoch']);
    expect(mixed.code).not.toBe(0);
    expect(mixed.stderr).toMatch(/^error: --metric shapes plots of runs, but --search draws/m);
  });

  it('draws a search still running as far as it has saved, and says so', async () => {
    // The search waits after its 3rd trial was saved: it is running while the figure is drawn.
    const pause = pauseAt(dir, 'trial:3');
    const flags = ['--strategy', 'random', '--trials', '8', '--seed', '5'];
    const running = startCh(search('live', ...flags), { cwd: dir, env: { ...env, ...pause.env } });
    try {
      await pause.reached();
      const [id] = await searchIds('live');
      const result = await ch(['plot', '--search', id, '--out', 'live.svg']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(
        new RegExp(
          `^note: search ${id} has not ended \\(still running or stopped\\): drawn its 3 trials saved so far$`,
          'm',
        ),
      );
      expect(await readFile(path.join(dir, 'live.svg'), 'utf8')).toContain(
        'not ended: 3 trials so far',
      );
    } finally {
      running.child.kill('SIGKILL');
      await running.exited;
    }
  });

  it('draws a search with no complete trial as empty panels, and says so', async () => {
    // Every trial failed (as a search whose evaluation throws): written by hand, in the state's shape.
    const id = 'random-seed9-00000000';
    const folder = path.join(dir, 'machop_output', 'failing', 'software', 'search_ckpts', id);
    await mkdir(folder, { recursive: true });
    const failed = (number: number) => ({
      number,
      params: {},
      state: 'failed',
      softwareMetrics: {},
      hardwareMetrics: {},
      scaledMetrics: {},
      sampledConfig: null,
      start: '2026-12-08T00:00:00.000Z',
      complete: '2026-12-08T00:00:01.000Z',
      error: 'evaluation failed',
    });
    await writeFile(
      path.join(folder, 'study.json'),
      JSON.stringify({
        format: 'machop-search-study',
        version: 1,
        id,
        fingerprint: {
          strategy: 'random',
          seed: 9,
          metrics: [{ name: 'accuracy', direction: 'maximize' }],
        },
        trials: [failed(0), failed(1)],
      }),
    );
    const result = await ch(['plot', '--search', id, '--out', 'failing.svg']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`note: search ${id}: 2 failed trials are not drawn`);
    expect(result.stderr).toContain(
      `note: search ${id} has no complete trial yet: its front is empty`,
    );
    expect(await readFile(path.join(dir, 'failing.svg'), 'utf8')).toMatch(/^<svg/);
  });
});
