import path from 'node:path';
import { ConfigError } from '@machop/core/base';
import { listRuns, runSettings, type RunInfo } from '@machop/runs';
import { defaultGoal, runMetricEnds } from '@machop/sweep';
import type { CommandBody } from '../command.js';
import { formatNumber } from '../progress.js';
import { formatTable } from '../table.js';

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

export interface Row {
  name: string;
  status: string;
  tags: string;
  settings: Record<string, string>;
  metrics: Record<string, { final: number | null; best: number | null }>;
  epochs: number | null;
  wallTimeSeconds: number | null;
}

/** The value a filter or sort key names in a row: a column, a setting, `METRIC` (final) or `METRIC.best`. */
function valueOf(row: Row, key: string): string | number | null | undefined {
  if (key === 'name') return row.name;
  if (key === 'status') return row.status;
  // A run has several tags: `tag=x` holds when x is one of them.
  if (key === 'tag') return row.tags;
  if (key === 'epochs') return row.epochs;
  if (key === 'wall-time') return row.wallTimeSeconds;
  const [metric, end] = key.split('.');
  if (row.metrics[metric]) return row.metrics[metric][end === 'best' ? 'best' : 'final'];
  const setting = row.settings[key];
  if (setting === undefined) return undefined;
  const number = Number(setting);
  return setting !== '' && Number.isFinite(number) ? number : setting;
}

const FILTER = /^\s*([A-Za-z0-9_.-]+)\s*(<=|>=|!=|=|<|>)\s*(.*?)\s*$/;

/** `batch-size>=128`, `status=completed`, `val_acc_epoch>0.7`: one condition on a row. */
export function parseFilter(text: string): (row: Row) => boolean {
  const match = FILTER.exec(text);
  if (!match)
    throw new ConfigError(
      `--filter ${JSON.stringify(text)}: write KEY OP VALUE with OP one of = != < <= > >=, for example batch-size=256 or val_acc_epoch>0.7`,
    );
  const [, key, op, raw] = match;
  return (row) => {
    const value = valueOf(row, key);
    if (value === undefined || value === null) return op === '!=';
    if (key === 'tag') {
      const has = String(value).split(',').includes(raw);
      return op === '!=' ? !has : op === '=' && has;
    }
    const wanted = typeof value === 'number' && raw !== '' ? Number(raw) : raw;
    const compare =
      typeof value === 'number' && typeof wanted === 'number' && Number.isFinite(wanted)
        ? value - wanted
        : String(value).localeCompare(String(wanted));
    return {
      '=': compare === 0,
      '!=': compare !== 0,
      '<': compare < 0,
      '<=': compare <= 0,
      '>': compare > 0,
      '>=': compare >= 0,
    }[op]!;
  };
}

function cell(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : formatNumber(value);
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `ch runs`: the runs of a project dir, with the settings that differ and their metrics. */
export const runsCommand: CommandBody = {
  details:
    'Filters are KEY OP VALUE (OP: = != < <= > >=) on a setting (batch-size), status, name, or a metric\n' +
    '(its final value; METRIC.best for its best). Sorting puts the best first (highest for accuracies).',
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
    const filters = ((args.flags.get('filter') as string[] | undefined) ?? []).map(parseFilter);
    const runs = await listRuns(projectDir, { project, sweep });
    if (runs.length === 0)
      throw new ConfigError(
        `no runs under ${path.join(projectDir, project ?? '')}${sweep ? ` in sweep ${sweep}` : ''}; check --project-dir, --project and --sweep`,
      );
    const manyProjects = new Set(runs.map((run) => run.project)).size > 1;
    let rows: Row[] = await Promise.all(
      runs.map(async (run) => ({
        name: manyProjects ? `${run.project}/${run.id}` : run.id,
        status: run.status,
        tags: (run.config.tags ?? []).join(','),
        settings: settingsText(run),
        metrics: await runMetricEnds(run, metrics),
        epochs: run.summary?.epochs ?? null,
        wallTimeSeconds: run.summary?.wallTimeSeconds ?? null,
      })),
    );
    rows = rows.filter((row) => filters.every((keep) => keep(row)));
    const sort = args.flags.get('sort') as string | undefined;
    if (sort !== undefined) {
      const descending = defaultGoal(sort) === 'maximize';
      rows.sort((a, b) => {
        const [x, y] = [valueOf(a, sort), valueOf(b, sort)];
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        const order =
          typeof x === 'number' && typeof y === 'number'
            ? x - y
            : String(x).localeCompare(String(y));
        return descending ? -order : order;
      });
    }
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
    else io.stdout.write(formatTable(header, table));
    return 0;
  },
};
