import { ConfigError } from '@machop/core';
import { curveEnds, requireDirection, stats } from '@machop/runs';
import { checkMetric, metricCurve, type Band, BANDS } from './curves.js';
import { groupRuns } from './groups.js';
import type { PlotRun } from './runs.js';
import { formatValue } from './settings.js';

/** Which value of each run a summary shows: its last, or its best over the run. */
export type SummaryValue = 'final' | 'best';
export const SUMMARY_VALUES: readonly SummaryValue[] = ['final', 'best'];

/** One point of a summary: the runs of one setting (repeats over seeds). */
export interface SummaryPoint {
  /** The swept setting's value. */
  x: number;
  /** Names the series when settings other than the x setting vary too. */
  series: string;
  mean: number;
  std: number;
  /** The error bar's ends: min and max, or mean ± std. */
  low: number;
  high: number;
  /** Each run's value, drawn faint beside the mean. */
  runs: { id: string; seed: number | null; value: number }[];
}

/** Everything a summary plot shows. */
export interface SummaryPlot {
  metric: string;
  value: SummaryValue;
  band: Band;
  /** The swept numeric setting on the x axis (kebab case). */
  setting: string;
  /** The other grouping settings, that name the series. */
  seriesKeys: string[];
  points: SummaryPoint[];
  /** Whether the x axis is logarithmic (learning rates; positive values spanning a decade). */
  logX: boolean;
  /** Most runs behind one point. */
  repeats: number;
}

/** What {@link summaryPlot} draws. */
export interface SummaryPlotOptions {
  metric: string;
  value?: SummaryValue;
  /** Grouping settings; the first numeric one is the x axis. Default: those that vary, but the seed. */
  groupBy?: readonly string[];
  band?: Band;
}

/** Whether a higher value of `metric` is better: as the trainer decides its monitor's mode. */
function modeOf(plotRun: PlotRun, metric: string): 'min' | 'max' {
  const options = plotRun.run.config.options;
  if (options?.monitor === metric && (options.mode === 'min' || options.mode === 'max'))
    return options.mode;
  return requireDirection(metric, 'plot its final value instead (--value final)');
}

const ALWAYS_LOG = new Set(['learning-rate', 'weight-decay']);

/**
 * A summary of a study: for each setting of a swept numeric value, the final or best value of
 * `metric` in each run, their mean and an error bar over the repeats (min–max or ± one standard
 * deviation, from `@machop/runs`'s `stats`). The x setting is the first numeric grouping setting;
 * any other grouping settings name separate series.
 */
export function summaryPlot(runs: readonly PlotRun[], options: SummaryPlotOptions): SummaryPlot {
  const value = options.value ?? 'final';
  const band = options.band ?? 'minmax';
  if (!SUMMARY_VALUES.includes(value))
    throw new ConfigError(
      `--summary ${String(value)}: the summary is one of ${SUMMARY_VALUES.join(', ')}`,
    );
  if (!BANDS.includes(band))
    throw new ConfigError(`--band ${String(band)}: the band is one of ${BANDS.join(', ')}`);
  if (runs.length === 0) throw new ConfigError('no runs to plot');
  checkMetric(runs, options.metric);
  const { groups, keys } = groupRuns(runs, options.groupBy);
  const setting = keys.find((key) =>
    groups.every((group) => typeof group.values.get(key) === 'number'),
  );
  if (setting === undefined)
    throw new ConfigError(
      keys.length === 0
        ? 'a summary plots a metric against a setting that varies between runs, but these runs differ only by seed; plot curves instead (without --summary)'
        : `a summary needs a numeric setting on its x axis; ${keys.join(', ')} ${keys.length > 1 ? 'are' : 'is'} not numeric in every run (choose one with --group-by)`,
    );
  const seriesKeys = keys.filter((key) => key !== setting);
  const points: SummaryPoint[] = [];
  for (const group of groups) {
    const values = group.runs.flatMap((plotRun) => {
      const ends = curveEnds(
        metricCurve(plotRun, options.metric, 'step'),
        value === 'final' ? 'min' : modeOf(plotRun, options.metric), // a final value needs no direction
      );
      const result = ends[value];
      const seed = plotRun.run.config.seed;
      return result === null
        ? []
        : [{ id: plotRun.run.id, seed: typeof seed === 'number' ? seed : null, value: result }];
    });
    const summary = stats(values.map((run) => run.value));
    if (summary === undefined) continue;
    points.push({
      x: group.values.get(setting) as number,
      series:
        seriesKeys.map((key) => `${key}=${formatValue(group.values.get(key))}`).join(', ') ||
        options.metric,
      mean: summary.mean,
      std: summary.std,
      low: band === 'std' ? summary.mean - summary.std : summary.min,
      high: band === 'std' ? summary.mean + summary.std : summary.max,
      runs: values,
    });
  }
  const xs = points.map((point) => point.x);
  const positive = xs.length > 0 && xs.every((x) => x > 0);
  const logX = positive && (ALWAYS_LOG.has(setting) || Math.max(...xs) / Math.min(...xs) >= 10);
  return {
    metric: options.metric,
    value,
    band,
    setting,
    seriesKeys,
    points,
    logX,
    repeats: Math.max(0, ...points.map((point) => point.runs.length)),
  };
}
