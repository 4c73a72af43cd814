// A metric's final value against a numeric setting, drawn as plain SVG (a few hundred points).
import { stats } from '@machop/runs/series';
import type { RunView } from '../api-types';
import { formatCell as formatValue, settingsOf } from './settings';
import { finalAndBest, type Data } from './tables';
import { ticks } from './ticks';

const W = 560;
const H = 260;
const PAD = { left: 56, right: 16, top: 12, bottom: 40 };
/** Closest two x labels may sit, in pixels, before one is left out. */
const LABEL_ROOM = 34;

/**
 * How the x axis spaces a setting's values: evenly by doubling for powers of two (batch sizes:
 * 64, 128, 256 apart by the same step), by decade for values spanning two of them (learning
 * rates), else linearly.
 */
export function xScale(values: readonly number[]): {
  kind: 'log2' | 'log10' | 'linear';
  position: (value: number) => number;
} {
  const positive = values.every((value) => value > 0);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const powersOfTwo = positive && values.every((value) => Number.isInteger(Math.log2(value)));
  if (powersOfTwo && high / low >= 4) return { kind: 'log2', position: Math.log2 };
  if (positive && high / low >= 100) return { kind: 'log10', position: Math.log10 };
  return { kind: 'linear', position: (value) => value };
}

/**
 * A metric's final value against a numeric setting of `runs` (the selected runs): one dot per
 * run, and per value of the setting the mean with a ±std bar; the y axis labelled at round
 * values, the x axis at the setting's values, none overlapping.
 */
export function SummaryChart(props: {
  runs: RunView[];
  param: string;
  metric: string;
  data: Data;
}) {
  const points = props.runs
    .map((run) => ({
      run,
      x: settingsOf(run).get(props.param),
      y: finalAndBest(run, props.data, props.metric).final,
    }))
    .filter(
      (point): point is { run: RunView; x: number; y: number } =>
        typeof point.x === 'number' && typeof point.y === 'number' && Number.isFinite(point.y),
    );
  if (points.length === 0)
    return (
      <p class="empty">
        No selected run has both a numeric {props.param} and a final {props.metric}.
      </p>
    );
  const byX = new Map<number, number[]>();
  for (const point of points) byX.set(point.x, [...(byX.get(point.x) ?? []), point.y]);
  const groups = [...byX.entries()]
    .map(([x, ys]) => ({ x, ...stats(ys)! }))
    .sort((a, b) => a.x - b.x);
  const scale = xScale(groups.map((group) => group.x));
  const fx = scale.position;
  // A margin on every side, so the extreme points do not sit on the frame.
  const margin = (low: number, high: number) => {
    const room = (high - low || Math.abs(high) || 1) * 0.08;
    return [low - room, high + room];
  };
  const [x0, x1] = margin(fx(groups[0].x), fx(groups.at(-1)!.x));
  const ys = groups.flatMap((group) => [
    group.min,
    group.max,
    group.mean - group.std,
    group.mean + group.std,
  ]);
  const [y0, y1] = margin(Math.min(...ys), Math.max(...ys));
  const sx = (value: number) =>
    PAD.left + (x1 === x0 ? 0.5 : (fx(value) - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (value: number) =>
    H - PAD.bottom - (y1 === y0 ? 0.5 : (value - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  let lastLabel = -Infinity;
  const xLabels = groups.filter((group) => {
    if (sx(group.x) - lastLabel < LABEL_ROOM) return false;
    lastLabel = sx(group.x);
    return true;
  });
  return (
    <svg
      class="summary-chart"
      data-testid="summary-chart"
      viewBox={`0 0 ${W} ${H}`}
      width={W}
      height={H}
    >
      <rect
        x={PAD.left}
        y={PAD.top}
        width={W - PAD.left - PAD.right}
        height={H - PAD.top - PAD.bottom}
        fill="none"
        stroke="#ccc"
      />
      {ticks(y0, y1).map((value) => (
        <g key={value} class="summary-y-tick">
          <line x1={PAD.left - 4} x2={W - PAD.right} y1={sy(value)} y2={sy(value)} stroke="#eee" />
          <text x={PAD.left - 6} y={sy(value) + 4} text-anchor="end" font-size="11">
            {formatValue(value)}
          </text>
        </g>
      ))}
      {groups.map((group) => (
        <g key={group.x} class="summary-group">
          <line
            x1={sx(group.x)}
            x2={sx(group.x)}
            y1={sy(group.mean - group.std)}
            y2={sy(group.mean + group.std)}
            stroke="#d62728"
            stroke-width="2"
          />
          <line
            x1={sx(group.x) - 8}
            x2={sx(group.x) + 8}
            y1={sy(group.mean)}
            y2={sy(group.mean)}
            stroke="#d62728"
            stroke-width="2"
          />
        </g>
      ))}
      {xLabels.map((group) => (
        <text
          key={group.x}
          class="summary-x-label"
          x={sx(group.x)}
          y={H - PAD.bottom + 14}
          text-anchor="middle"
          font-size="11"
        >
          {formatValue(group.x)}
        </text>
      ))}
      {points.map((point) => (
        <circle
          key={point.run.id}
          class="summary-point"
          cx={sx(point.x)}
          cy={sy(point.y)}
          r="3.5"
          fill="#1f77b4"
          fill-opacity="0.6"
        >
          <title>{`${point.run.id}: ${formatValue(point.y)}`}</title>
        </circle>
      ))}
      <text x={(W + PAD.left) / 2} y={H - 6} text-anchor="middle" font-size="12">
        {props.param}
        {scale.kind === 'linear' ? '' : ` (${scale.kind})`} → final {props.metric} (dots: runs;
        bars: mean ± std)
      </text>
    </svg>
  );
}
