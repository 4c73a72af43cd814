/**
 * @machop/plot: figures of Machop.ts runs. Runs (read through `@machop/runs`) become plot data,
 * plot data becomes a Vega-Lite spec, and the spec is rendered headless in Node to SVG (Vega) or
 * PNG (resvg, with DejaVu Sans from npm, never the system's fonts).
 *
 * @packageDocumentation
 */
export { readPlotRuns, damagedLogWarnings, type PlotRun } from './runs.js';
export {
  runSettings,
  varyingSettings,
  formatValue,
  compareValues,
  resolveSettingNames,
  kebabName,
  camelName,
  type SettingValue,
} from './settings.js';
export { groupRuns, type RunGroup } from './groups.js';
export {
  linePlot,
  metricCurve,
  loggedMetrics,
  checkMetric,
  checkSmoothing,
  defaultSmoothing,
  mixedSettingsWarning,
  X_AXES,
  BANDS,
  type XAxis,
  type Band,
  type LinePlot,
  type LinePlotOptions,
  type LineCurve,
  type LinePoint,
} from './curves.js';
export {
  summaryPlot,
  SUMMARY_VALUES,
  type SummaryValue,
  type SummaryPlot,
  type SummaryPlotOptions,
  type SummaryPoint,
} from './summary.js';
export { lineSpec, summarySpec, FONT_FAMILY, type FigureSize, type FigureLabels } from './spec.js';
export { renderSvg, renderPng, svgToPng, fontFiles, type PngOptions } from './render.js';
export {
  efficiencyPlot,
  type EfficiencyPlot,
  type EfficiencyCurve,
  type EfficiencyPoint,
} from './search.js';
export { searchSpec, type SearchFigure } from './search-spec.js';
