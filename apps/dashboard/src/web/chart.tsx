import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { decimate, nearestIndex, type Columns } from './decimate';
import { formatValue, type Line, type XAxis } from './model';
import { timed } from './timing';

/** Which uPlot series index shows what, so hover, exports and tests can find each line. */
export interface SeriesMap {
  /** Per line: index of its drawn (smoothed) series, its raw series and band edges if any. */
  lines: { main: number; raw?: number; lower?: number; upper?: number }[];
}

declare global {
  interface Window {
    /** The live chart and what it shows, for exports and for the browser tests. */
    machopChart?: { plot: uPlot; lines: Line[]; map: SeriesMap };
  }
}

function alpha(color: string, opacity: number): string {
  const value = Math.round(opacity * 255)
    .toString(16)
    .padStart(2, '0');
  return `${color}${value}`;
}

const X_LABELS: Record<XAxis, string> = { step: 'step', epoch: 'epoch', time: 'seconds' };

function build(lines: readonly Line[], showRaw: boolean, logY: boolean) {
  const tables: uPlot.AlignedData[] = [];
  const series: uPlot.Series[] = [{ label: 'x' }];
  const bands: uPlot.Band[] = [];
  const map: SeriesMap = { lines: [] };
  // uPlot only reads the columns, so unless log scale drops values they are passed as they are.
  const positive = (values: (number | null)[]) =>
    logY ? values.map((value) => (value !== null && value > 0 ? value : null)) : values;
  let next = 1;
  for (const line of lines) {
    const columns: (number | null)[][] = [];
    const entry: SeriesMap['lines'][number] = { main: 0 };
    if (line.band) {
      columns.push(positive(line.band.lower), positive(line.band.upper));
      series.push(
        {
          label: `${line.label} lower`,
          stroke: alpha(line.color, 0.25),
          width: 0.5,
          points: { show: false },
        },
        {
          label: `${line.label} upper`,
          stroke: alpha(line.color, 0.25),
          width: 0.5,
          points: { show: false },
        },
      );
      entry.lower = next++;
      entry.upper = next++;
      bands.push({ series: [entry.upper, entry.lower], fill: alpha(line.color, 0.18) });
    }
    if (showRaw) {
      columns.push(positive(line.raw));
      series.push({
        label: `${line.label} raw`,
        stroke: alpha(line.color, 0.25),
        width: 1,
        points: { show: false },
      });
      entry.raw = next++;
    }
    columns.push(positive(line.y));
    series.push({ label: line.label, stroke: line.color, width: 1.75, points: { show: false } });
    entry.main = next++;
    map.lines.push(entry);
    tables.push([line.x, ...columns] as uPlot.AlignedData);
  }
  const data = align(tables);
  for (const item of series.slice(1)) item.spanGaps = true;
  return { data, series, bands, map };
}

/**
 * One x column for all lines, as uPlot wants. Runs that log at the same steps (the usual case:
 * repeats of one setting, runs of one sweep) share their x values, and their columns are used as
 * they are; otherwise they are joined on the union of x values, with gaps that lines span.
 */
function align(tables: uPlot.AlignedData[]): uPlot.AlignedData {
  if (tables.length === 0) return [[]] as unknown as uPlot.AlignedData;
  const x = tables[0][0];
  const same = tables.every((table) => {
    const other = table[0];
    if (other === x) return true;
    if (other.length !== x.length) return false;
    for (let index = 0; index < x.length; index++) if (other[index] !== x[index]) return false;
    return true;
  });
  if (!same) return uPlot.join(tables);
  return [x, ...tables.flatMap((table) => table.slice(1))] as uPlot.AlignedData;
}

/** The overlaid curves, drawn with uPlot, with a legend that shows every value under the cursor. */
export function Chart(props: {
  lines: Line[];
  metric: string;
  x: XAxis;
  logY: boolean;
  showRaw: boolean;
  height?: number;
  /** Called after drawing curves that have points. */
  onDrawn?: () => void;
}) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const drawn = useRef('');
  /** Every point of every series, aligned: what hover reads (the chart draws fewer). */
  const full = useRef<uPlot.AlignedData>([[]] as unknown as uPlot.AlignedData);
  /** Index into `full` of the point under the cursor. */
  const [cursor, setCursor] = useState<number | null>(null);
  const [width, setWidth] = useState(800);

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(320, element.clientWidth)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const {
      data: aligned,
      series,
      bands,
      map,
    } = timed('chart: align series', () => build(props.lines, props.showRaw, props.logY));
    full.current = aligned;
    const data = timed(
      'chart: decimate',
      () =>
        decimate(
          aligned as unknown as Columns,
          width * (window.devicePixelRatio || 1),
        ) as unknown as uPlot.AlignedData,
    );
    // Same lines with more points (a live run) or other values: new data, same chart.
    const shape = JSON.stringify([
      series.map((item) => [item.label, item.stroke]),
      props.logY,
      props.metric,
      props.x,
      width,
      props.height,
    ]);
    if (plot.current && shape === drawn.current) {
      timed('chart: draw', () => plot.current!.setData(data));
      window.machopChart = { plot: plot.current, lines: props.lines, map };
      if (props.lines.some((line) => line.x.length > 0)) props.onDrawn?.();
      return;
    }
    drawn.current = shape;
    const options: uPlot.Options = {
      width,
      height: props.height ?? 380,
      series,
      bands,
      legend: { show: false },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: props.logY ? { distr: 3 } : {} },
      axes: [
        { label: X_LABELS[props.x], stroke: '#444', grid: { stroke: '#eee' } },
        { label: props.metric, stroke: '#444', grid: { stroke: '#eee' }, size: 60 },
      ],
      hooks: {
        // The drawn points are a subset: find the cursor's x among all of them.
        setCursor: [
          (self) => {
            const left = self.cursor.left;
            const x = full.current[0];
            setCursor(
              left === undefined || left < 0 || x.length === 0
                ? null
                : nearestIndex(x, self.posToVal(left, 'x')),
            );
          },
        ],
      },
    };
    plot.current?.destroy();
    plot.current = timed('chart: draw', () => new uPlot(options, data, element));
    window.machopChart = { plot: plot.current, lines: props.lines, map };
    setCursor(null);
    if (props.lines.some((line) => line.x.length > 0)) props.onDrawn?.();
  }, [props.lines, props.showRaw, props.logY, props.metric, props.x, width, props.height]);

  useEffect(
    () => () => {
      plot.current?.destroy();
      plot.current = null;
      window.machopChart = undefined;
    },
    [],
  );

  const chart = plot.current;
  const map = window.machopChart?.map;
  const at = cursor !== null && chart ? full.current[0][cursor] : undefined;
  return (
    <div class="chart">
      <div ref={holder} class="chart-canvas" />
      <ul class="legend" data-testid="legend">
        <li class="legend-x">
          {X_LABELS[props.x]} {at === undefined ? '' : formatValue(at)}
        </li>
        {props.lines.map((line, index) => {
          const main = map?.lines[index]?.main;
          const value =
            cursor !== null && chart && main !== undefined
              ? full.current[main]?.[cursor]
              : undefined;
          return (
            <li key={line.key} data-series={line.key} data-points={line.x.length}>
              <span class="swatch" style={{ background: line.color }} />
              <span class="legend-label">{line.label}</span>
              <span class="legend-value">
                {value === undefined || value === null ? '' : formatValue(value)}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
