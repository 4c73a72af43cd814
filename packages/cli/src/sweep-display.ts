import { readMetrics, runPaths } from '@machop/runs';
import type { Stats } from '@machop/runs/series';
import type { ExecutorEvent, SweepTable, TrialOutcome } from '@machop/sweep';
import type { Io } from './io.js';
import { clock, formatNumber } from './progress.js';
import { formatTable } from './table.js';

/** A value in the notation its scale calls for; `scale` (default: the value) picks it. */
function short(value: number, scale = value): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  if (scale !== 0 && (Math.abs(scale) < 1e-3 || Math.abs(scale) >= 1e5))
    return value.toExponential(2);
  return value.toFixed(Math.abs(scale) >= 100 ? 0 : Math.abs(scale) >= 10 ? 1 : 3);
}

/**
 * `0.712 ± 0.013`: a mean and standard deviation over seeds, both in the mean's notation
 * (`1.86e+5 ± 2.83e+4`); just the mean for one seed or when every seed gave the same value.
 */
export function formatStats(cell: Stats | null | undefined): string {
  if (!cell) return '-';
  return cell.count > 1 && cell.std > 0
    ? `${short(cell.mean)} ± ${short(cell.std, cell.mean)}`
    : short(cell.mean);
}

/**
 * The sweep table as text, fitted to `width` columns: the point, the sweep metric, then other
 * columns while they fit (the least important are dropped first).
 */
export function formatSweepTable(table: SweepTable, width: number): string {
  const metric = table.metric.name;
  const columns: { title: string; cells: string[]; keep?: boolean }[] = [
    ...table.parameters.map((name) => ({
      title: name,
      cells: table.rows.map((row) => String(row.point[name] ?? '')),
      keep: true,
    })),
    { title: 'n', cells: table.rows.map((row) => String(row.seeds.length)), keep: true },
  ];
  for (const name of table.metricNames)
    for (const end of ['final', 'best'] as const)
      columns.push({
        title: `${name} ${end}`,
        cells: table.rows.map((row) => formatStats(row.metrics[name][end])),
        keep: name === metric && end === 'final',
      });
  columns.push(
    {
      title: 'best seed',
      cells: table.rows.map((row) =>
        row.bestSeed ? `${row.bestSeed.seed} (${short(row.bestSeed.value)})` : '-',
      ),
    },
    {
      title: 'worst seed',
      cells: table.rows.map((row) =>
        row.worstSeed ? `${row.worstSeed.seed} (${short(row.worstSeed.value)})` : '-',
      ),
    },
    { title: 'epochs', cells: table.rows.map((row) => formatStats(row.epochs)) },
    {
      title: 'wall s',
      cells: table.rows.map((row) => formatStats(row.wallTimeSeconds)),
    },
    { title: 'samples/s', cells: table.rows.map((row) => formatStats(row.samplesPerSecond)) },
  );
  const widthOf = (list: typeof columns) =>
    list.reduce(
      (sum, column) =>
        sum + 2 + Math.max(column.title.length, ...column.cells.map((cell) => cell.length)),
      -2,
    );
  let shown = columns;
  while (widthOf(shown) > width) {
    const drop = shown.map((column) => !column.keep).lastIndexOf(true);
    if (drop === -1) break;
    shown = shown.filter((_, index) => index !== drop);
  }
  const text = formatTable(
    shown.map((column) => column.title),
    table.rows.map((_, row) => shown.map((column) => column.cells[row])),
  );
  // Rows read along the swept values; the best one is named below them.
  const best = table.best === null || table.best === undefined ? undefined : table.rows[table.best];
  if (!best) return text;
  const point = table.parameters.map((name) => `${name} ${String(best.point[name])}`).join(', ');
  return `${text}best: ${point || 'the only point'}: ${metric} ${formatStats(best.metrics[metric].final)}\n`;
}

/**
 * A sweep's progress on stderr: one line per finished trial; on a terminal also an overall bar
 * with an ETA, redrawn in place below those lines.
 */
export class SweepProgress {
  #done = 0;
  #epochsDone = 0;
  #started = Date.now();
  #last = new Map<string, Record<string, number>>();
  #epochs = new Map<string, number>();

  constructor(
    private readonly io: Io,
    private readonly total: number,
    private readonly metric: string,
  ) {}

  get #tty(): boolean {
    return Boolean(this.io.stderr.isTTY);
  }

  /**
   * The values a finished trial ended with, read from its run folder: they replace the last
   * progress seen, which for a queued trial is the last poll's and may be epochs behind.
   */
  final(trial: string, metrics: Record<string, number>): void {
    this.#last.set(trial, { ...this.#last.get(trial), ...metrics });
  }

  event(event: ExecutorEvent): void {
    if (event.type === 'progress') {
      this.#last.set(event.trial, event.metrics);
      this.#epochs.set(event.trial, event.epochs);
      this.#epochsDone += 1;
    } else if (event.type === 'finished') {
      this.#done += 1;
      this.clear();
      this.io.stderr.write(this.#line(event) + '\n');
    }
    this.#bar();
  }

  #line(outcome: TrialOutcome): string {
    const value = this.#last.get(outcome.trial)?.[this.metric];
    const detail = outcome.error
      ? `: ${outcome.error.message}`
      : value === undefined
        ? ''
        : `  ${this.metric} ${formatNumber(value)}`;
    return `[${this.#done}/${this.total}] ${outcome.trial} ${outcome.status}${detail}`;
  }

  #bar(): void {
    if (!this.#tty || this.#done >= this.total) return;
    const width = 24;
    const epochs = [...this.#epochs.values()][0] ?? 1;
    const fraction = Math.min(1, Math.max(this.#done, this.#epochsDone / epochs) / this.total);
    const filled = Math.round(fraction * width);
    const elapsed = (Date.now() - this.#started) / 1000;
    const eta = fraction > 0 ? `ETA ${clock((elapsed * (1 - fraction)) / fraction)}` : '';
    this.io.stderr.write(
      `\r\u001b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.#done}/${this.total} trials ${eta}`,
    );
  }

  clear(): void {
    if (this.#tty) this.io.stderr.write('\r\u001b[2K');
  }
}

/** The last finite value of `metric` in a run's metrics.jsonl, or undefined when it has none. */
export async function finalValue(runDir: string, metric: string): Promise<number | undefined> {
  try {
    const records = await readMetrics(runPaths(runDir).metrics, { damaged: 'skip' });
    const values = records.filter((record) => record.name === metric && record.value !== null);
    return values.at(-1)?.value ?? undefined;
  } catch {
    // No log (a trial that failed early): the line goes without a value.
    return undefined;
  }
}
