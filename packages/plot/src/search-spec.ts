import { BIT_METRICS, type FrontPoint } from '@machop/runs';
import type { TopLevelSpec } from 'vega-lite';
import type { EfficiencyPlot } from './search.js';
import { FONT_FAMILY, type FigureSize } from './spec.js';

/** What the search figure shows besides its data. */
export interface SearchFigure {
  /** Named in the title. */
  search: string;
  /** The metric on the front's x axis (`average_bitwidth`, `model_size_bits`, ...). */
  bitMetric: string;
  /** Said under the title, such as that the search is still running. */
  note?: string;
}

const OBJECTIVE_NAMES: Readonly<Record<string, string>> = {
  accuracy: 'validation accuracy (%)',
  accuracy_macro: 'validation accuracy, macro (%)',
  sum_scaled_metrics: 'sum of scaled metrics',
  loss: 'validation loss',
  ...BIT_METRICS,
};

const percent = (name: string) => name === 'accuracy' || name === 'accuracy_macro';

const configText = (params: Record<string, unknown>) =>
  Object.entries(params)
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(' ');

/**
 * The Vega-Lite spec of a search: on the left its Pareto front, accuracy against the bit metric
 * with the front's trials drawn solid and joined by a step line (`front`, `front-line`) and the
 * dominated ones faint (`dominated`); on the right its sample efficiency, best so far against
 * trial number with a line per strategy (`efficiency`) and a min–max band over seeds (`band`).
 */
export function searchSpec(
  front: readonly FrontPoint[],
  efficiency: EfficiencyPlot,
  figure: SearchFigure,
  size: FigureSize = {},
): TopLevelSpec {
  const width = size.width ?? 960;
  const height = size.height ?? 400;
  // Two panels side by side: what is left once their axes, titles and the legend have room.
  const panel = {
    width: Math.max(120, Math.floor((width - 420) / 2)),
    height: Math.max(100, height - 110),
  };
  const points = front.map((point) => ({
    trial: point.number,
    accuracy: point.accuracy * 100,
    bits: point.bits,
    front: point.front,
    config: configText(point.params),
  }));
  const x = {
    field: 'bits',
    type: 'quantitative',
    title: BIT_METRICS[figure.bitMetric] ?? figure.bitMetric,
    scale: { zero: false, nice: true },
  } as const;
  const y = {
    field: 'accuracy',
    type: 'quantitative',
    title: OBJECTIVE_NAMES.accuracy,
    scale: { zero: false },
  } as const;
  const tooltip = [
    { field: 'trial' },
    { field: 'accuracy', title: 'accuracy (%)', format: '.2f' },
    { field: 'bits', title: figure.bitMetric },
    { field: 'config' },
  ];
  const pareto = {
    ...panel,
    title: {
      text: 'Pareto front',
      subtitle: `${front.filter((point) => point.front).length} of ${front.length} trials on the front (red), the rest dominated (grey)`,
    },
    data: { values: points },
    layer: [
      {
        name: 'dominated',
        transform: [{ filter: '!datum.front' }],
        mark: { type: 'point', filled: true, color: '#888888', opacity: 0.3, size: 40 },
        encoding: { x, y, tooltip },
      },
      {
        name: 'front-line',
        transform: [{ filter: 'datum.front' }],
        mark: { type: 'line', interpolate: 'step-after', color: '#d62728', strokeWidth: 2 },
        encoding: { x, y, order: { field: 'bits' } },
      },
      {
        name: 'front',
        transform: [{ filter: 'datum.front' }],
        mark: { type: 'point', filled: true, color: '#d62728', opacity: 1, size: 70 },
        encoding: { x, y, tooltip },
      },
    ],
  };
  const scale = percent(efficiency.objective.name) ? 100 : 1;
  const rows = efficiency.curves.flatMap((curve) =>
    curve.points.map((point) => ({
      strategy: curve.strategy,
      trial: point.trial,
      mean: point.mean * scale,
      low: point.low * scale,
      high: point.high * scale,
      searches: point.searches,
    })),
  );
  const objectiveName = OBJECTIVE_NAMES[efficiency.objective.name] ?? efficiency.objective.name;
  const color = {
    field: 'strategy',
    type: 'nominal',
    scale: { domain: efficiency.curves.map((curve) => curve.strategy), scheme: 'tableau10' },
    legend: {
      title:
        efficiency.repeats > 1
          ? ['strategy', `mean of up to ${efficiency.repeats} seeds, band: min–max`]
          : 'strategy',
    },
  } as const;
  const trialX = {
    field: 'trial',
    type: 'quantitative',
    title: 'trial number',
    axis: { tickMinStep: 1 },
    scale: { zero: false, nice: false },
  } as const;
  const bestY = {
    type: 'quantitative',
    title: `best ${objectiveName} so far`,
    scale: { zero: false },
  };
  const efficiencyLayers: object[] = [];
  if (efficiency.repeats > 1)
    efficiencyLayers.push({
      name: 'band',
      mark: { type: 'area', opacity: 0.2, interpolate: 'step-after' },
      encoding: { x: trialX, y: { ...bestY, field: 'low' }, y2: { field: 'high' }, color },
    });
  efficiencyLayers.push({
    name: 'efficiency',
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
    encoding: {
      x: trialX,
      y: { ...bestY, field: 'mean' },
      color,
      tooltip: [
        { field: 'strategy' },
        { field: 'trial' },
        { field: 'mean' },
        { field: 'searches' },
      ],
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    padding: 8,
    background: 'white',
    title: {
      text: `search ${figure.search}`,
      ...(figure.note ? { subtitle: figure.note } : {}),
    },
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
    hconcat: [
      pareto,
      {
        ...panel,
        title: 'sample efficiency',
        data: { values: rows },
        layer: efficiencyLayers,
      },
    ],
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}
