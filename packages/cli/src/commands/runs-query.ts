import { closestNames, ConfigError, unknownName } from '@machop/core/base';
import { metricDirection } from '@machop/runs';

/** One row of `ch runs`: a run's columns, settings and metric ends. */
export interface Row {
  name: string;
  status: string;
  tags: string;
  settings: Record<string, string>;
  metrics: Record<string, { final: number | null; best: number | null }>;
  epochs: number | null;
  wallTimeSeconds: number | null;
}

const COLUMNS = ['name', 'status', 'tag', 'epochs', 'wall-time'];

/** The value a filter or sort key names in a row: a column, a setting, `METRIC` (final) or `METRIC.best`. */
export function valueOf(row: Row, key: string): string | number | null | undefined {
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

/** Every key a filter or sort may name in these rows. */
function knownKeys(rows: readonly Row[], metrics: readonly string[]): string[] {
  const settings = new Set(rows.flatMap((row) => Object.keys(row.settings)));
  return [...COLUMNS, ...metrics.flatMap((name) => [name, `${name}.best`]), ...settings];
}

/** Refuse a key no row has, with the closest known keys. */
function checkKey(flag: string, key: string, known: readonly string[]): void {
  if (known.includes(key)) return;
  throw new ConfigError(
    unknownName(
      `${flag}: no run has "${key}"`,
      closestNames(key, known),
      'keys are name, status, tag, epochs, wall-time, a setting such as batch-size, or a metric shown with --metric',
    ),
  );
}

const FILTER = /^\s*([A-Za-z0-9_.-]+)\s*(<=|>=|!=|=|<|>)\s*(.*?)\s*$/;
const SYNTAX =
  'write KEY OP VALUE with OP one of = != < <= > >=, for example batch-size=256 or val_acc_epoch>0.7';

/**
 * `batch-size>=128`, `status=completed`, `val_acc_epoch>0.7`: one condition on a row. A key no
 * row has, a missing or operator-like value, or a number compared with text is an error.
 */
export function parseFilter(
  text: string,
  rows: readonly Row[],
  metrics: readonly string[],
): (row: Row) => boolean {
  const flag = `--filter ${JSON.stringify(text)}`;
  const match = FILTER.exec(text);
  if (!match || match[3] === '' || /^[<>=!]/.test(match[3]))
    throw new ConfigError(`${flag}: ${SYNTAX}`);
  const [, key, op, raw] = match;
  checkKey(flag, key, knownKeys(rows, metrics));
  const numeric = rows.some((row) => typeof valueOf(row, key) === 'number');
  if (numeric && op !== '=' && op !== '!=' && !Number.isFinite(Number(raw)))
    throw new ConfigError(`${flag}: ${key} is a number, so compare it with a number (${SYNTAX})`);
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

// Natural order: `bs64` before `bs1024`, as a person counts.
const NATURAL = new Intl.Collator('en', { numeric: true });

/**
 * Sort rows in place: by `key` when given (a metric best first, by the direction it declares;
 * a setting or column ascending, numbers numerically), else by name in natural order. Rows
 * without a value go last; ties keep natural name order.
 */
export function sortRows(rows: Row[], key: string | undefined, metrics: readonly string[]): void {
  if (key !== undefined) checkKey('--sort', key, knownKeys(rows, metrics));
  const metric = key?.split('.')[0];
  const descending =
    key !== undefined && metrics.includes(metric!) && metricDirection(metric!) === 'max';
  rows.sort((a, b) => {
    const byName = NATURAL.compare(a.name, b.name);
    if (key === undefined) return byName;
    const [x, y] = [valueOf(a, key), valueOf(b, key)];
    if (x === null || x === undefined) return y === null || y === undefined ? byName : 1;
    if (y === null || y === undefined) return -1;
    const order =
      typeof x === 'number' && typeof y === 'number'
        ? x - y
        : NATURAL.compare(String(x), String(y));
    return (descending ? -order : order) || byName;
  });
}
