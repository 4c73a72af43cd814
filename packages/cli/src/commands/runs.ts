import path from 'node:path';
import { ConfigError, isMachopError } from '@machop/core/base';
import { listRuns, metricDirection, runSettings, type RunInfo } from '@machop/runs';
import { runMetricEnds } from '@machop/sweep';
import type { CommandBody } from '../command.js';
import type { Io } from '../io.js';
import { formatNumber } from '../progress.js';
import { formatTable } from '../table.js';
import { parseFilter, sortRows, valueOf, type Row } from './runs-query.js';

const DEFAULT_METRICS = ['val_acc_epoch', 'test_acc_epoch'];

/** A run's settings as flat `name: text` pairs, named as flags (`batch-size`, `hidden`, `split-seed`). */
function settingsText(run: RunInfo): Record<string, string> {
  return Object.fromEntries(
    [...runSettings(run)].map(([name, value]) => [
      name,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
}

function cell(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : formatNumber(value);
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A run's row, or undefined when its metric log is damaged: the run is named on stderr and left
 * out, so one bad run never hides the others.
 */
async function rowOf(
  run: RunInfo,
  name: string,
  metrics: readonly string[],
  io: Io,
): Promise<Row | undefined> {
  // Each metric is ranked the way it declares; one that declares none has no best.
  const modes = Object.fromEntries(
    metrics.map((metric) => [metric, metricDirection(metric) ?? 'min']),
  );
  let ends: Row['metrics'];
  try {
    ends = await runMetricEnds(run, metrics, modes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code;
    if (!isMachopError(error) && typeof code !== 'string') throw error;
    // A run that has not logged yet has no metrics: that is not damage.
    if (code === 'ENOENT')
      ends = Object.fromEntries(metrics.map((metric) => [metric, { final: null, best: null }]));
    else {
      io.stderr.write(`ch runs: left out run ${run.dir}: ${(error as Error).message}\n`);
      return undefined;
    }
  }
  for (const metric of metrics) if (metricDirection(metric) === undefined) ends[metric].best = null;
  return {
    name,
    status: run.status,
    tags: (run.config.tags ?? []).join(','),
    settings: settingsText(run),
    metrics: ends,
    epochs: run.summary?.epochs ?? null,
    wallTimeSeconds: run.summary?.wallTimeSeconds ?? null,
  };
}

/**
 * The columns of a text table that fit `width` (a terminal's), dropping the last ones first but
 * never the run's name and status; the dropped titles are returned so the caller can say so.
 */
function fitColumns(
  header: string[],
  table: string[][],
  width: number | undefined,
): { header: string[]; table: string[][]; dropped: string[] } {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...table.map((row) => row[column].length)),
  );
  let shown = header.length;
  const total = (count: number) => widths.slice(0, count).reduce((sum, w) => sum + w + 2, -2);
  while (width !== undefined && shown > 2 && total(shown) > width) shown -= 1;
  return {
    header: header.slice(0, shown),
    table: table.map((row) => row.slice(0, shown)),
    dropped: header.slice(shown),
  };
}

/** `ch runs`: the runs of a project dir, with the settings that differ and their metrics. */
export const runsCommand: CommandBody = {
  details:
    'Filters are KEY OP VALUE (OP: = != < <= > >=) on a setting (batch-size), status, name, or a metric\n' +
    '(its final value; METRIC.best for its best). Runs are listed by name in natural order (bs64 before\n' +
    'bs1024); --sort puts a metric best first, as the metric declares, and a setting in ascending order.',
  usesRegistry: false,
  flags: [
    {
      name: 'project-dir',
      type: 'string',
      value: 'DIR',
      default: './machop_output',
      description: 'folder holding projects',
    },
    { name: 'project', type: 'string', description: 'only runs of this project' },
    { name: 'sweep', type: 'string', value: 'ID', description: 'only trials of this sweep' },
    {
      name: 'filter',
      type: 'string-list',
      repeatable: true,
      value: 'EXPR',
      description: 'keep runs where EXPR holds (repeatable: all must hold)',
    },
    {
      name: 'sort',
      type: 'string',
      value: 'METRIC',
      description: 'sort by a metric (best first) or a setting',
    },
    {
      name: 'metric',
      type: 'string-list',
      repeatable: true,
      value: 'NAME',
      description: 'metrics to show (default val_acc_epoch, test_acc_epoch)',
    },
    { name: 'csv', type: 'boolean', description: 'CSV on stdout' },
  ],
  async run({ io, args, json }) {
    if (args.positionals.length > 0)
      throw new ConfigError(
        `ch runs takes no words, got ${args.positionals.join(' ')}; use --project P`,
      );
    const projectDir = path.resolve(
      io.cwd,
      (args.flags.get('project-dir') as string | undefined) ?? 'machop_output',
    );
    const project = args.flags.get('project') as string | undefined;
    const sweep = args.flags.get('sweep') as string | undefined;
    const metrics = (args.flags.get('metric') as string[] | undefined) ?? DEFAULT_METRICS;
    const runs = await listRuns(projectDir, {
      project,
      sweep,
      onSkipped: (dir, reason) => io.stderr.write(`ch runs: left out run ${dir}: ${reason}\n`),
    });
    if (runs.length === 0)
      throw new ConfigError(
        `no runs under ${path.join(projectDir, project ?? '')}${sweep ? ` in sweep ${sweep}` : ''}; check --project-dir, --project and --sweep`,
      );
    const manyProjects = new Set(runs.map((run) => run.project)).size > 1;
    const all = (
      await Promise.all(
        runs.map((run) =>
          rowOf(run, manyProjects ? `${run.project}/${run.id}` : run.id, metrics, io),
        ),
      )
    ).filter((row): row is Row => row !== undefined);
    // Keys are checked against every run, so a filter that keeps none is still understood.
    const filters = ((args.flags.get('filter') as string[] | undefined) ?? []).map((text) =>
      parseFilter(text, all, metrics),
    );
    const rows = all.filter((row) => filters.every((keep) => keep(row)));
    sortRows(rows, args.flags.get('sort') as string | undefined, metrics);
    const names = [...new Set(rows.flatMap((row) => Object.keys(row.settings)))];
    const differing = names.filter(
      (name) => new Set(rows.map((row) => row.settings[name] ?? '')).size > 1,
    );
    if (json) {
      for (const row of rows)
        io.stdout.write(
          JSON.stringify({
            name: row.name,
            status: row.status,
            settings: Object.fromEntries(
              differing.map((name) => [name, valueOf(row, name) ?? null]),
            ),
            metrics: row.metrics,
            epochs: row.epochs,
            wallTimeSeconds: row.wallTimeSeconds,
          }) + '\n',
        );
      return 0;
    }
    const header = [
      'name',
      'status',
      ...differing,
      ...metrics.flatMap((name) => [`${name} final`, `${name} best`]),
      'epochs',
      'wall s',
    ];
    const table = rows.map((row) => [
      row.name,
      row.status,
      ...differing.map((name) => row.settings[name] ?? ''),
      ...metrics
        .flatMap((name) => [row.metrics[name].final, row.metrics[name].best])
        .map((value) =>
          args.flags.get('csv') ? (value === null ? '' : String(value)) : cell(value),
        ),
      row.epochs === null ? '' : String(row.epochs),
      row.wallTimeSeconds === null
        ? ''
        : args.flags.get('csv')
          ? String(row.wallTimeSeconds)
          : row.wallTimeSeconds.toFixed(1),
    ]);
    if (args.flags.get('csv') === true)
      io.stdout.write(
        [header, ...table].map((line) => line.map(csvCell).join(',')).join('\n') + '\n',
      );
    else {
      const width = io.stdout.isTTY && io.stdout.columns ? io.stdout.columns : undefined;
      const fitted = fitColumns(header, table, width);
      io.stdout.write(formatTable(fitted.header, fitted.table));
      if (fitted.dropped.length > 0)
        io.stderr.write(
          `ch runs: ${fitted.dropped.length} columns do not fit in ${width} columns and are not shown (${fitted.dropped.join(', ')}); widen the terminal, pick fewer with --metric, or use --csv\n`,
        );
    }
    return 0;
  },
};
