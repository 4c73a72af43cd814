import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJscProject, type JscProject } from './jsc-project.js';
import { runCh } from './run-ch.js';

// End to end: real runs trained by the real `ch` binary (2 batch sizes x 2 seeds, 2 epochs, on
// JSC-shaped rows from a loopback server), then drawn by `ch plot`.
let project: JscProject;
let dir: string;
let env: NodeJS.ProcessEnv;

const train = (batchSize: number, seed: number) =>
  runCh(
    [
      'train',
      'jsc-tiny',
      'jsc',
      '--max-epochs',
      '2',
      '--batch-size',
      String(batchSize),
      '--seed',
      String(seed),
      '--learning-rate',
      '0.01',
      '--log-every-n-steps',
      '4',
      '--no-test',
      '--quiet',
      '--project',
      'study',
    ],
    { cwd: dir, env },
  );

beforeAll(async () => {
  project = await startJscProject('machop-plot-', 1500);
  ({ dir, env } = project);
  // The first run fills the data cache; the other three then train side by side.
  const first = await train(64, 0);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  const rest = await Promise.all([train(64, 1), train(128, 0), train(128, 1)]);
  for (const result of rest) expect(result.code).toBe(0);
}, 240_000);

afterAll(() => project.close());

type XmlNode = Record<string, unknown> & { ':@'?: Record<string, string> };

/** For each `<g>` whose class names the Vega mark `name`, the number of `<path>`s in it. */
function markPaths(svg: string, name: string): number[] {
  const tree = new XMLParser({ preserveOrder: true, ignoreAttributes: false }).parse(
    svg,
  ) as XmlNode[];
  const found: number[] = [];
  const walk = (nodes: XmlNode[]) => {
    for (const node of nodes) {
      const tag = Object.keys(node).find((key) => key !== ':@')!;
      const children = (node[tag] ?? []) as XmlNode[];
      const className = node[':@']?.['@_class'] ?? '';
      if (tag === 'g' && className.split(' ').includes(`${name}_marks`))
        found.push(children.filter((child) => 'path' in child).length);
      if (Array.isArray(children)) walk(children);
    }
  };
  walk(tree);
  return found;
}

function legendLabels(svg: string): string[] {
  return [...svg.matchAll(/role-legend-label[^>]*>(?:<[^>]*>)*?<text[^>]*>([^<]*)<\/text>/g)].map(
    (match) => match[1],
  );
}

async function plot(args: string[]) {
  return runCh(['plot', '--project', 'study', ...args], { cwd: dir, env });
}

describe('ch plot', () => {
  it('draws one mean curve with a min-max band per batch size, named by batch size', async () => {
    const result = await plot(['--group-by', 'batch-size', '--out', 'fig.svg']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const file = path.join(dir, 'fig.svg');
    expect(result.stdout).toBe(`${file}\n`);
    const svg = await readFile(file, 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    // Two groups of two seeds: two mean lines, two bands, each one path.
    expect(markPaths(svg, 'curve')).toEqual([1, 1]);
    expect(markPaths(svg, 'band')).toEqual([1, 1]);
    expect(legendLabels(svg)).toEqual(['batch-size=64', 'batch-size=128']);
    expect(svg).toContain('band: min–max');
    // The y axis names the metric in words.
    expect(svg).toContain('>validation accuracy</text>');
    // Not named by run ids (which hold timestamps).
    const ids = await readdir(path.join(dir, 'machop_output', 'study'));
    for (const id of ids) expect(svg).not.toContain(id);
    if (process.env.MACHOP_PLOT_SAMPLES)
      await copyFile(file, path.join(process.env.MACHOP_PLOT_SAMPLES, 'batch-size.svg'));
  });

  it('warns when a group mixes learning rates or a log has damaged lines, and takes titles', async () => {
    // A copy of the study in which one seed of batch size 64 ran at another learning rate, and
    // whose other batch size has a line of garbage in its log.
    const study = path.join(dir, 'machop_output', 'study');
    const mixed = path.join(dir, 'machop_output', 'mixed');
    await cp(study, mixed, { recursive: true });
    const configs = await Promise.all(
      (await readdir(mixed)).map(async (id) => {
        const file = path.join(mixed, id, 'config.json');
        return { id, file, config: JSON.parse(await readFile(file, 'utf8')) };
      }),
    );
    const small = configs.find(({ config }) => config.options.batchSize === 64)!;
    small.config.options.learningRate = 0.02;
    await writeFile(small.file, JSON.stringify(small.config));
    const large = configs.find(({ config }) => config.options.batchSize === 128)!;
    const log = path.join(mixed, large.id, 'metrics.jsonl');
    await writeFile(log, 'not a record\n' + (await readFile(log, 'utf8')));
    const result = await runCh(
      [
        'plot',
        '--project',
        'mixed',
        '--group-by',
        'batch-size',
        '--title',
        'Lab 1 by batch size',
        '--y-label',
        'accuracy on the validation split',
        '--out',
        'mixed.svg',
      ],
      { cwd: dir, env },
    );
    expect(result.code).toBe(0);
    const warnings = result.stderr.trim().split('\n');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toBe(
      `warning: ${log}: skipped 1 damaged line, not metric records (line 1); the figure leaves it out`,
    );
    expect(warnings[1]).toMatch(
      /^warning: 1 of 2 curves average runs with different learning-rate \(batch-size=64\); add learning-rate to --group-by/,
    );
    const svg = await readFile(path.join(dir, 'mixed.svg'), 'utf8');
    expect(svg).toContain('>Lab 1 by batch size</text>');
    expect(svg).toContain('>accuracy on the validation split</text>');
    // Split by the learning rate too, nothing is mixed.
    const split = await runCh(
      [
        'plot',
        '--project',
        'mixed',
        '--group-by',
        'batch-size,learning-rate',
        '--out',
        'split.svg',
      ],
      { cwd: dir, env },
    );
    expect(split.stderr).not.toContain('average runs with different');
    await rm(mixed, { recursive: true });
  });

  it('renders the same figure to a PNG of the asked size, with text in it', async () => {
    const result = await plot([
      '--group-by',
      'batchSize',
      '--out',
      'fig.png',
      '--width',
      '800',
      '--height',
      '500',
    ]);
    expect(result.code).toBe(0);
    const file = path.join(dir, 'fig.png');
    expect(result.stdout).toBe(`${file}\n`);
    const png = PNG.sync.read(await readFile(file));
    expect([png.width, png.height]).toEqual([800, 500]);
    const colours = new Set<number>();
    for (let index = 0; index < png.data.length; index += 4)
      colours.add(png.data.readUInt32BE(index));
    // Lines, a translucent band, grid and anti-aliased text: many colours, not a blank page.
    expect(colours.size).toBeGreaterThan(100);
    if (process.env.MACHOP_PLOT_SAMPLES)
      await copyFile(file, path.join(process.env.MACHOP_PLOT_SAMPLES, 'batch-size.png'));
  });

  it('summarises the best accuracy against batch size with error bars over seeds', async () => {
    const result = await plot(['--summary', 'best', '--out', 'summary.svg']);
    expect(result.code).toBe(0);
    const svg = await readFile(path.join(dir, 'summary.svg'), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('best validation accuracy by batch-size');
    // One mean point per batch size, one faint point per run.
    const count = (name: string) =>
      [...svg.matchAll(new RegExp(`class="mark-symbol role-mark ${name}_marks"`, 'g'))].length;
    expect(count('mean')).toBe(1);
    expect(count('runs')).toBe(1);
    expect(svg.match(/aria-roledescription="point"/g)?.length).toBe(2 + 4);
  });

  it('plots per-step losses over time and draws a run that died as far as it logged', async () => {
    const runs = path.join(dir, 'machop_output', 'study');
    const [first] = (await readdir(runs)).sort();
    const dead = path.join(runs, 'zz-died');
    await cp(path.join(runs, first), dead, { recursive: true });
    await rm(path.join(dead, 'summary.json'));
    const metrics = await readFile(path.join(dead, 'metrics.jsonl'), 'utf8');
    await writeFile(path.join(dead, 'metrics.jsonl'), metrics.slice(0, metrics.length / 2));
    const result = await plot([
      '--metric',
      'train_loss_step',
      '--x',
      'time',
      '--band',
      'std',
      '--out',
      'loss.svg',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const svg = await readFile(path.join(dir, 'loss.svg'), 'utf8');
    expect(svg).toContain('time since the run started (s)');
    expect(svg).toContain('band: ± 1 std');
    // The dead copy joins its batch size's seeds; smoothing draws the raw curves faint behind.
    expect(markPaths(svg, 'curve')).toEqual([1, 1]);
    expect(markPaths(svg, 'raw')).toEqual([1, 1]);
    expect(legendLabels(svg).some((label) => label.includes('(1 unfinished)'))).toBe(true);
    await rm(dead, { recursive: true });
  });

  it('says in one line what is wrong, exits non-zero and writes nothing', async () => {
    await mkdir(path.join(dir, 'machop_output', 'empty'), { recursive: true });
    await writeFile(path.join(dir, 'blocker'), 'a file, not a folder');
    const cases: [string[], RegExp][] = [
      [
        ['--project', 'empty'],
        /^error: no runs to plot in project empty .*projects with runs: study/,
      ],
      [
        ['--metric', 'val_f1'],
        /^error: no run logged the metric val_f1; logged metrics: .*val_acc_epoch/,
      ],
      [['--x', 'wall'], /^error: --x: expected one of epoch, step, time/],
      [
        ['--smooth', '1'],
        /^error: --smooth 1: the smoothing weight must be at least 0 and below 1/,
      ],
      [
        ['--group-by', 'batch'],
        /^error: --group-by batch: no run has a setting of that name; did you mean batch-size/,
      ],
      [['--summary', 'final', '--x', 'step'], /^error: --x shapes curves, but --summary plots/],
      [['--out', 'fig.jpg'], /^error: --out fig.jpg: .* must end in .svg or .png/],
      [['--out', 'blocker/fig.svg'], /^error: cannot write .*blocker\/fig.svg: .*ENOTDIR/],
    ];
    const before = await readdir(dir);
    // Side by side: each is a separate process, and none of them may write anything.
    const results = await Promise.all(
      cases.map(([args]) => runCh(['plot', '--project', 'study', ...args], { cwd: dir, env })),
    );
    results.forEach((result, index) => {
      const [args, message] = cases[index];
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
    });
    expect(await readdir(dir)).toEqual(before);
    expect(existsSync(path.join(dir, 'blocker', 'fig.svg'))).toBe(false);
  });
});
