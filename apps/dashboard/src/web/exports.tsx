// The chart's downloads (CSV of the lines, PNG and SVG of the drawing) and the link to the view.
import { metricLabel, xAxisLabel } from '@machop/runs/curves';
import { chartPng, chartSvg, download } from './export';
import { linesToCsv, type Line } from './lines';
import { writeView, type ViewState } from './url-state';

/** Download buttons for what the chart shows, and a link that reopens this view. */
export function Exports(props: { view: ViewState; lines: readonly Line[] }) {
  const { view, lines } = props;
  const exportCsv = () =>
    download(
      `${view.metric}-${view.x}.csv`,
      new Blob([linesToCsv(lines, view.metric, view.x)], { type: 'text/csv' }),
    );
  const exportPng = async () => {
    const chart = window.machopChart;
    if (chart) download(`${view.metric}.png`, await chartPng(chart.plot, chart.lines));
  };
  const exportSvg = () => {
    const chart = window.machopChart;
    if (!chart) return;
    const labels = { x: xAxisLabel(view.x), y: metricLabel(view.metric), whole: view.x !== 'time' };
    download(
      `${view.metric}.svg`,
      new Blob([chartSvg(chart.plot, chart.lines, chart.map, labels)], { type: 'image/svg+xml' }),
    );
  };
  const shareUrl = `${location.origin}${location.pathname}${writeView(view)}`;
  return (
    <div class="exports">
      <button type="button" data-testid="export-csv" onClick={exportCsv}>
        CSV
      </button>
      <button type="button" data-testid="export-png" onClick={() => void exportPng()}>
        PNG
      </button>
      <button type="button" data-testid="export-svg" onClick={exportSvg}>
        SVG
      </button>
      <label>
        link to this view{' '}
        <input
          data-testid="share-url"
          class="share"
          readOnly
          value={shareUrl}
          onFocus={(event) => event.currentTarget.select()}
        />
      </label>
    </div>
  );
}
