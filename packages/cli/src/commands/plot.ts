import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, IoError, writeFileAtomic } from '@machop/core/base';
import type { Band, SummaryValue, XAxis } from '@machop/plot';
import { TRAIN_DEFAULTS } from '@machop/trainer/options';
import type { CommandBody } from '../command.js';

const FORMATS = ['.svg', '.png'] as const;
// The choices of @machop/plot, kept here so that other commands never load it (vega takes a
// noticeable part of a second to import); the library checks them again.
const X_AXES = ['epoch', 'step', 'time'] as const satisfies readonly XAxis[];
const BANDS = ['minmax', 'std'] as const satisfies readonly Band[];
const SUMMARY_VALUES = ['final', 'best'] as const satisfies readonly SummaryValue[];

/** Refuse an output whose folder is a file before any work is done (mkdir would only say EEXIST). */
async function checkOutputFolder(file: string): Promise<void> {
  const folder = path.dirname(file);
  const info = await stat(folder).catch(() => undefined);
  if (info && !info.isDirectory())
    throw new IoError(
      `cannot write ${file}: ${folder} is a file, not a folder (ENOTDIR); choose another --out`,
      { errno: 'ENOTDIR' },
    );
}

function outputFile(out: string | undefined, cwd: string, name: string): string {
  const file = path.resolve(cwd, out ?? `${name}.svg`);
  const extension = path.extname(file).toLowerCase();
  if (!(FORMATS as readonly string[]).includes(extension))
    throw new ConfigError(
      `--out ${out}: the file name says the format and must end in ${FORMATS.join(' or ')}`,
    );
  return file;
}

/**
 * `ch plot --project P`: learning curves of a project's runs (one per run, or the mean over seeds
 * with a band), or with `--summary` a metric against a swept setting, as SVG or PNG.
 */
export const plotCommand: CommandBody = {
  details:
    'With --search, the front of the first search is drawn beside the best so far of the searches named, or of every search of its project over the same space.\n' +
    'Runs that differ only by seed (or share the --group-by settings) are drawn as one mean curve with a band.\n' +
    'Runs still training or that died are drawn as far as they logged. The figure is written atomically and its path printed.',
  usesRegistry: false,
  flags: [
    {
      name: 'project-dir',
      type: 'string',
      value: 'DIR',
      default: TRAIN_DEFAULTS.projectDir,
      description: 'folder holding projects',
    },
    { name: 'project', type: 'string', value: 'P', description: 'the project whose runs to plot' },
    { name: 'sweep', type: 'string', value: 'ID', description: 'only the trials of this sweep' },
    {
      name: 'search',
      type: 'string-list',
      repeatable: true,
      value: 'ID',
      description: "a search's Pareto front and best so far (again: strategies compared)",
    },
    {
      name: 'metric',
      type: 'string',
      value: 'NAME',
      default: 'val_acc_epoch',
      description: 'metric to plot, as logged in metrics.jsonl',
    },
    {
      name: 'x',
      type: 'string',
      choices: X_AXES,
      default: 'epoch',
      description: 'x axis: epochs, optimizer steps, or seconds since the run started',
    },
    {
      name: 'smooth',
      type: 'number',
      value: 'WEIGHT',
      description:
        "TensorBoard's smoothing in [0, 1) (default 0.6 for per-step metrics, 0 for per-epoch ones)",
    },
    {
      name: 'group-by',
      type: 'string',
      value: 'KEY,...',
      description: 'settings whose runs are averaged into one curve (default: all but the seed)',
    },
    {
      name: 'band',
      type: 'string',
      choices: BANDS,
      default: 'minmax',
      description: 'spread drawn around a mean: min to max of the runs, or ± one std',
    },
    {
      name: 'summary',
      type: 'string',
      choices: SUMMARY_VALUES,
      description: 'plot the final or best value against the swept setting instead of curves',
    },
    {
      name: 'out',
      type: 'string',
      value: 'FILE',
      description: 'output file, .svg or .png (default <project>-<metric>.svg, <search>.svg)',
    },
    {
      name: 'title',
      type: 'string',
      value: 'TEXT',
      description: 'title above the figure (default: none for curves)',
    },
    {
      name: 'x-label',
      type: 'string',
      value: 'TEXT',
      description: 'x axis title (default: what it counts, such as epoch)',
    },
    {
      name: 'y-label',
      type: 'string',
      value: 'TEXT',
      description: 'y axis title (default: the metric in words, such as validation accuracy)',
    },
    {
      name: 'width',
      type: 'integer',
      min: 200,
      max: 8000,
      description: 'width in pixels (default 640, 960 with --search)',
    },
    {
      name: 'height',
      type: 'integer',
      min: 150,
      max: 8000,
      default: 400,
      description: 'height in pixels',
    },
  ],
  async run({ io, args, json }) {
    const flag = <T>(name: string) => args.flags.get(name) as T | undefined;
    if (args.positionals.length > 0)
      throw new ConfigError(
        `ch plot takes no words, got "${args.positionals.join(' ')}" (name the project with --project)`,
      );
    const project = flag<string>('project');
    const searches = flag<string[]>('search');
    if (searches !== undefined) {
      const { checkSearchFlags, plotSearch } = await import('./plot-search.js');
      checkSearchFlags(args.flags);
      const out = outputFile(flag<string>('out'), io.cwd, searches[0]);
      await checkOutputFolder(out);
      return plotSearch(io, {
        ids: searches,
        project,
        projectDir: path.resolve(io.cwd, flag<string>('project-dir') ?? TRAIN_DEFAULTS.projectDir),
        out,
        size: { width: flag<number>('width') ?? 960, height: flag<number>('height') ?? 400 },
        json,
      });
    }
    if (project === undefined)
      throw new ConfigError(
        'ch plot needs --project P (the project whose runs to plot) or --search ID',
      );
    const metric = flag<string>('metric') ?? 'val_acc_epoch';
    const summary = flag<SummaryValue>('summary');
    for (const name of ['x', 'smooth'])
      if (summary && args.flags.has(name))
        throw new ConfigError(
          `--${name} shapes curves, but --summary plots one value per run against a setting: drop one of them`,
        );
    const {
      checkSmoothing,
      damagedLogWarnings,
      linePlot,
      mixedSettingsWarning,
      lineSpec,
      readPlotRuns,
      renderSvg,
      summaryPlot,
      summarySpec,
      svgToPng,
    } = await import('@machop/plot');
    const smoothing = flag<number>('smooth');
    if (smoothing !== undefined) checkSmoothing(smoothing);
    const groupBy = flag<string>('group-by')
      ?.split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    const band = flag<Band>('band') ?? 'minmax';
    const size = { width: flag<number>('width') ?? 640, height: flag<number>('height') ?? 400 };
    const labels = {
      title: flag<string>('title'),
      xLabel: flag<string>('x-label'),
      yLabel: flag<string>('y-label'),
    };
    const out = outputFile(
      flag<string>('out'),
      io.cwd,
      `${project}-${metric}${summary ? `-${summary}` : ''}`,
    );
    await checkOutputFolder(out);
    const projectDir = path.resolve(
      io.cwd,
      flag<string>('project-dir') ?? TRAIN_DEFAULTS.projectDir,
    );

    const runs = await readPlotRuns(projectDir, { project, sweep: flag<string>('sweep') });
    const warnings = damagedLogWarnings(runs);
    const missing = runs.filter(({ records }) => !records.some((record) => record.name === metric));
    let spec;
    let drawn: number;
    if (summary) {
      const plot = summaryPlot(runs, { metric, value: summary, groupBy, band });
      spec = summarySpec(plot, size, labels);
      drawn = plot.points.length;
    } else {
      const plot = linePlot(runs, {
        metric,
        x: flag<XAxis>('x') ?? 'epoch',
        smoothing,
        groupBy,
        band,
      });
      spec = lineSpec(plot, size, labels);
      drawn = plot.curves.length;
      const mixed = mixedSettingsWarning(plot);
      if (mixed) warnings.push(mixed);
    }
    for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
    if (missing.length > 0 && !json)
      io.stderr.write(
        `note: ${missing.length} of ${runs.length} runs have not logged ${metric} (yet): ${missing.map(({ run }) => run.id).join(', ')}\n`,
      );
    const svg = await renderSvg(spec);
    const data = path.extname(out).toLowerCase() === '.png' ? svgToPng(svg) : svg;
    try {
      await writeFileAtomic(out, data);
    } catch (error) {
      throw IoError.from(error, 'write', out);
    }
    if (json)
      io.stdout.write(
        JSON.stringify({
          event: 'plot',
          out,
          runs: runs.length,
          [summary ? 'points' : 'curves']: drawn,
        }) + '\n',
      );
    else io.stdout.write(`${out}\n`);
    return 0;
  },
};
