import { metricLabel } from '@machop/runs';
import type { TopLevelSpec } from 'vega-lite';
import type { LinePlot } from './curves.js';
import type { SummaryPlot } from './summary.js';

/** The family of the font shipped with this package, used for every text of a figure. */
export const FONT_FAMILY = 'DejaVu Sans';

/** Size of a figure in pixels, legend and titles included. */
export interface FigureSize {
  width?: number;
  height?: number;
}

/**
 * Words of a figure a user may choose (`ch plot --title/--x-label/--y-label`); by default the
 * axes name what they show in words (`validation accuracy` for `val_acc_epoch`) and there is no
 * title above a line plot.
 */
export interface FigureLabels {
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

// Curves with at most this many points also get a dot per point, so a run of one or two
// epochs still shows where its values are.
const DOTS_UP_TO = 30;

function frame(size: FigureSize) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: size.width ?? 640,
    height: size.height ?? 400,
    // The whole figure, legend and axes included, fits the size asked for.
    autosize: { type: 'fit', contains: 'padding' },
    padding: 8,
    background: 'white',
    config: {
      font: FONT_FAMILY,
      view: { stroke: null },
      legend: {
        labelLimit: 320,
        titleLimit: 320,
        symbolType: 'stroke',
        symbolStrokeWidth: 3,
        symbolOpacity: 1,
      },
    },
  } as const;
}

const BAND_NAMES = { minmax: 'min–max', std: '± 1 std' } as const;

const X_TITLES = {
  epoch: 'epoch',
  step: 'step',
  time: 'time since the run started (s)',
} as const;

/**
 * The Vega-Lite spec of a {@link LinePlot}: one line per curve (named `curve` in the spec), the
 * unsmoothed curve faint behind it (`raw`, when smoothing), and a shaded band (`band`) for each
 * curve made of several runs. The legend's title says what the curves are named by and what the
 * band shows.
 */
export function lineSpec(
  plot: LinePlot,
  size: FigureSize = {},
  labels: FigureLabels = {},
): TopLevelSpec {
  const rows = plot.curves.flatMap((curve) =>
    curve.points.map((point) => ({
      curve: curve.label,
      x: point.x,
      y: point.y,
      raw: point.raw,
      low: point.low ?? null,
      high: point.high ?? null,
      runs: point.count,
    })),
  );
  const legendTitle = [plot.keys.length > 0 ? plot.keys.join(', ') : 'run'];
  if (plot.band) {
    const sizes = new Set(
      plot.curves.filter((curve) => curve.runs.length > 1).map((curve) => curve.runs.length),
    );
    const runs = sizes.size === 1 ? `${plot.repeats}` : `up to ${plot.repeats}`;
    legendTitle.push(`mean of ${runs} runs, band: ${BAND_NAMES[plot.band]}`);
  }
  const color = {
    field: 'curve',
    type: 'nominal',
    // Past ten curves, ten colours would repeat: twenty distinct ones instead.
    scale: {
      domain: plot.curves.map((curve) => curve.label),
      scheme: plot.curves.length > 10 ? 'tableau20' : 'tableau10',
    },
    legend: { title: legendTitle },
  } as const;
  const x = {
    field: 'x',
    type: 'quantitative',
    title: labels.xLabel ?? X_TITLES[plot.x],
    scale: { zero: false, nice: false },
    // Epochs and steps are counts: no ticks between whole numbers.
    axis: plot.x === 'time' ? {} : { tickMinStep: 1 },
  } as const;
  const yScale = plot.logY ? { type: 'log' } : { zero: false };
  const yName = labels.yLabel ?? metricLabel(plot.metric);
  const yTitle = plot.smoothing > 0 ? `${yName} (smoothed ${plot.smoothing})` : yName;
  const dots = Math.max(0, ...plot.curves.map((curve) => curve.points.length)) <= DOTS_UP_TO;
  const layers: object[] = [];
  if (plot.band)
    layers.push({
      name: 'band',
      transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
      mark: { type: 'area', opacity: 0.2 },
      encoding: {
        x,
        y: { field: 'low', type: 'quantitative', scale: yScale, title: yTitle },
        y2: { field: 'high' },
        color,
      },
    });
  if (plot.smoothing > 0)
    layers.push({
      name: 'raw',
      mark: { type: 'line', opacity: 0.25, strokeWidth: 1 },
      encoding: {
        x,
        y: { field: 'raw', type: 'quantitative', scale: yScale, title: yTitle },
        color,
      },
    });
  layers.push({
    name: 'curve',
    mark: { type: 'line', strokeWidth: 2, point: dots },
    encoding: {
      x,
      y: { field: 'y', type: 'quantitative', scale: yScale, title: yTitle },
      color,
      tooltip: [
        { field: 'curve', title: legendTitle[0] },
        { field: 'x', title: plot.x },
        { field: 'y', title: plot.metric },
        { field: 'runs' },
      ],
    },
  });
  return {
    ...frame(size),
    ...(labels.title ? { title: labels.title } : {}),
    data: { values: rows },
    layer: layers,
  } as TopLevelSpec;
}

/**
 * The Vega-Lite spec of a {@link SummaryPlot}: per setting, the mean (`mean`) with an error bar
 * (`errorbar`) over the repeats and each run's value faint beside it (`runs`), the means of a
 * series joined by a line (`trend`). The title says which value of the metric and what the bars
 * show.
 */
export function summarySpec(
  plot: SummaryPlot,
  size: FigureSize = {},
  labels: FigureLabels = {},
): TopLevelSpec {
  const rows = plot.points.map((point) => ({
    series: point.series,
    x: point.x,
    mean: point.mean,
    std: point.std,
    low: point.low,
    high: point.high,
    runs: point.runs.length,
  }));
  const runRows = plot.points.flatMap((point) =>
    point.runs.map((run) => ({ series: point.series, x: point.x, value: run.value, run: run.id })),
  );
  const series = [...new Set(plot.points.map((point) => point.series))];
  const color = {
    field: 'series',
    type: 'nominal',
    scale: { domain: series },
    legend: series.length > 1 ? { title: plot.seriesKeys.join(', ') } : null,
  } as const;
  const x = {
    field: 'x',
    type: 'quantitative',
    title: labels.xLabel ?? plot.setting,
    scale: plot.logX ? { type: 'log' } : { zero: false },
    axis: { values: [...new Set(plot.points.map((point) => point.x))] },
  } as const;
  const yTitle = labels.yLabel ?? `${plot.value} ${metricLabel(plot.metric)}`;
  const y = { type: 'quantitative', scale: { zero: false }, title: yTitle } as const;
  const bars =
    plot.repeats > 1
      ? `mean of up to ${plot.repeats} runs, bars: ${BAND_NAMES[plot.band]}`
      : 'one run per point';
  return {
    ...frame(size),
    title: { text: labels.title ?? `${yTitle} by ${plot.setting}`, subtitle: bars },
    layer: [
      {
        name: 'runs',
        data: { values: runRows },
        mark: { type: 'point', opacity: 0.35, size: 30 },
        encoding: { x, y: { ...y, field: 'value' }, color },
      },
      {
        data: { values: rows },
        layer: [
          {
            name: 'trend',
            mark: { type: 'line', opacity: 0.5 },
            encoding: { x, y: { ...y, field: 'mean' }, color },
          },
          {
            name: 'errorbar',
            mark: { type: 'errorbar', ticks: true },
            encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color },
          },
          {
            name: 'mean',
            mark: { type: 'point', filled: true, size: 70, opacity: 1 },
            encoding: {
              x,
              y: { ...y, field: 'mean' },
              color,
              tooltip: [
                { field: 'x', title: plot.setting },
                { field: 'mean', title: yTitle },
                { field: 'std' },
                { field: 'runs' },
              ],
            },
          },
        ],
      },
    ],
  } as TopLevelSpec;
}
