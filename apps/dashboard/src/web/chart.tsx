import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { decimate, nearestIndex, type Columns } from './decimate';
import type { Values } from '@machop/runs/series';
import { xAxisLabel, type XAxis } from '@machop/runs/curves';
import type { Line } from './lines';
import { formatCell as formatValue } from './settings';
import { WHOLE_INCREMENTS } from './ticks';
import { mark, timed } from './timing';

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

/** The part of the Prioritized Task Scheduling API used here (not in TypeScript's DOM types yet). */
interface PostTask {
  postTask?(task: () => void, options: { priority: 'user-blocking' }): Promise<void>;
}

/** The chart's height in pixels, unless told. */
const HEIGHT = 380;

/**
 * Width in CSS pixels of a line's drawn (smoothed) curve: 1.75, or 1 when it has more points
 * than the chart has pixel columns. Headless and GPU-less browsers draw on the CPU, where a
 * hairline is about ten times cheaper than a thicker anti-aliased stroke with round joins: for
 * 20 curves of 10,000 points, 30 ms instead of 330 ms (measured with the benchmark's trace).
 */
function lineWidth(points: number, pixels: number): number {
  return points > pixels ? 1 : 1.75;
}

function build(lines: readonly Line[], showRaw: boolean, logY: boolean, pixels: number) {
  const tables: uPlot.AlignedData[] = [];
  const series: uPlot.Series[] = [{ label: 'x' }];
  const bands: uPlot.Band[] = [];
  const map: SeriesMap = { lines: [] };
  // uPlot only reads the columns, so unless log scale drops values they are passed as they are.
  const positive = (values: Values) =>
    logY ? Array.from(values, (value) => (value !== null && value > 0 ? value : null)) : values;
  let next = 1;
  for (const line of lines) {
    const columns: Values[] = [];
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
    series.push({
      label: line.label,
      stroke: line.color,
      width: lineWidth(line.x.length, pixels),
      points: { show: false },
    });
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

/**
 * After drawing curves that have points: tell `onDrawn`, and once the browser has painted them
 * (the task after the next frame) record a `chart: painted` mark with how many lines and points
 * were drawn. Its time, from the page's start, is what the benchmark reports as first render.
 */
function drew(lines: readonly Line[], onDrawn: (() => void) | undefined): void {
  if (!lines.some((line) => line.x.length > 0)) return;
  const detail = {
    lines: lines.length,
    points: lines.reduce((sum, line) => sum + line.x.length, 0),
  };
  // The first task after the next frame, ahead of other waiting work (Preact's effects, what
  // `onDrawn` queues), which the mark is not to count: the browser's task scheduler runs a
  // user-blocking task first. Where there is none, a timer queued before `onDrawn`'s.
  const painted = () => mark('chart: painted', detail);
  const scheduler = (globalThis as { scheduler?: PostTask }).scheduler;
  requestAnimationFrame(() =>
    scheduler?.postTask
      ? void scheduler.postTask(painted, { priority: 'user-blocking' })
      : setTimeout(painted),
  );
  onDrawn?.();
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
  /** The chart's width in CSS pixels: its holder's, read when the chart is made and on resizes. */
  const width = useRef(0);
  const height = props.height ?? HEIGHT;
  /** The points to draw at the chart's width (see decimate.ts). */
  const drawable = () =>
    timed(
      'chart: decimate',
      () =>
        decimate(
          full.current as unknown as Columns,
          width.current * (window.devicePixelRatio || 1),
        ) as unknown as uPlot.AlignedData,
    );

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    // A new width resizes the chart in place, drawn from its points decimated again.
    const observer = new ResizeObserver(() => {
      const next = Math.max(320, element.clientWidth);
      if (next === width.current) return;
      width.current = next;
      plot.current?.batch(() => {
        plot.current!.setSize({ width: next, height });
        plot.current!.setData(drawable());
      });
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [height]);

  useLayoutEffect(() => {
    const element = holder.current;
    if (!element) return;
    // Drawn as soon as the page's elements are in place, before the browser paints them: in the
    // same frame, not one frame later as an effect would be.
    // Nothing to draw yet (the points are on their way): the chart is made with its first points,
    // not once empty and then again. Its holder keeps the height meanwhile.
    if (!plot.current && !props.lines.some((line) => line.x.length > 0)) return;
    width.current ||= Math.max(320, element.clientWidth);
    const {
      data: aligned,
      series,
      bands,
      map,
    } = timed('chart: align series', () =>
      build(props.lines, props.showRaw, props.logY, width.current),
    );
    full.current = aligned;
    const data = drawable();
    // Same lines with more points (a live run) or other values: new data, same chart.
    const shape = JSON.stringify([
      series.map((item) => [item.label, item.stroke, item.width]),
      props.logY,
      props.metric,
      props.x,
      height,
    ]);
    if (plot.current && shape === drawn.current) {
      timed('chart: draw', () => plot.current!.setData(data));
      window.machopChart = { plot: plot.current, lines: props.lines, map };
      drew(props.lines, props.onDrawn);
      return;
    }
    drawn.current = shape;
    const options: uPlot.Options = {
      width: width.current,
      height,
      series,
      bands,
      legend: { show: false },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: props.logY ? { distr: 3 } : {} },
      axes: [
        {
          label: xAxisLabel(props.x),
          stroke: '#444',
          grid: { stroke: '#eee' },
          // Epochs and steps are counts: labelled at whole numbers only, never at 2.5.
          ...(props.x === 'time' ? {} : { incrs: WHOLE_INCREMENTS }),
        },
        // The metric's own name: what the menu and the benchmark's check read.
        { label: props.metric, stroke: '#444', grid: { stroke: '#eee' }, size: 60 },
      ],
      hooks: {
        // When uPlot has drawn the curves onto its canvas (it does so after being made or given
        // data, in a microtask): for the benchmark's timeline.
        draw: [() => mark('chart: uPlot drew')],
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
    drew(props.lines, props.onDrawn);
  }, [props.lines, props.showRaw, props.logY, props.metric, props.x, height]);

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
      <div ref={holder} class="chart-canvas" style={{ minHeight: height }} />
      <ul class="legend" data-testid="legend">
        <li class="legend-x">
          {props.x === 'time' ? 'seconds' : props.x} {at === undefined ? '' : formatValue(at)}
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
