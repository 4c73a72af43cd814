// The searches of `ch search`: a list to pick one, and its Pareto front drawn as `ch plot
// --search` draws it (accuracy against bits, the front solid and joined by a step line, dominated
// trials faint), with a trial's sampled config on hover or click.
import { useEffect, useState } from 'preact/hooks';
import {
  BIT_METRICS,
  bitMetricOf,
  frontPoints,
  searchSettings,
  type FrontPoint,
} from '@machop/runs/search-trials';
import type { SearchesResponse, SearchView } from '../api-types';

/** How often the list is read again while a search has not ended (its trials still coming). */
const RUNNING_POLL_MS = 2000;

/**
 * The searches of the project dir, fetched again whenever `revision` changes, and every
 * {@link RUNNING_POLL_MS} while one has not ended: a search saves its study after each trial,
 * which no run's event announces.
 */
export function useSearches(revision: unknown): SearchView[] {
  const [searches, setSearches] = useState<SearchView[]>([]);
  const [tick, setTick] = useState(0);
  const running = searches.some((search) => !search.ended);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setTick((value) => value + 1), RUNNING_POLL_MS);
    return () => clearInterval(timer);
  }, [running]);
  useEffect(() => {
    let gone = false;
    fetch('api/searches', { cache: 'no-store' })
      .then((response) =>
        response.ok ? (response.json() as Promise<SearchesResponse>) : undefined,
      )
      .then((answer) => {
        if (!gone && answer) setSearches(answer.searches);
      })
      .catch(() => undefined);
    return () => void (gone = true);
  }, [revision, tick]);
  return searches;
}

/** The searches, one button each, in the sidebar below the runs. */
export function SearchList(props: {
  searches: readonly SearchView[];
  chosen: string | undefined;
  onChoose: (id: string | undefined) => void;
}) {
  if (props.searches.length === 0) return null;
  return (
    <section class="search-list">
      <h2>Searches</h2>
      <ul>
        {props.searches.map((search) => {
          const { strategy, seed } = searchSettings(search.study);
          const chosen = props.chosen === search.id;
          return (
            <li key={search.id}>
              <button
                type="button"
                data-testid="search-item"
                data-search={search.id}
                aria-pressed={chosen}
                onClick={() => props.onChoose(chosen ? undefined : search.id)}
              >
                {search.id}
              </button>
              <span class="search-facts">
                {strategy}, seed {seed ?? '?'}, {search.study.trials.length} trials
                {search.ended ? '' : ' (not ended)'}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

const WIDTH = 640;
const HEIGHT = 360;
const MARGIN = { left: 64, right: 16, top: 16, bottom: 48 };

/** A linear scale from `[low, high]` to `[from, to]`, a flat range centred. */
function scale(values: number[], from: number, to: number): (value: number) => number {
  const low = Math.min(...values);
  const high = Math.max(...values);
  if (high === low) return () => (from + to) / 2;
  return (value) => from + ((value - low) / (high - low)) * (to - from);
}

/** The lowest and highest of `values` (one when equal): the ticks of a small axis. */
const ends = (values: number[]) => [...new Set([Math.min(...values), Math.max(...values)])];

/** A search's Pareto front, and the config of the trial under the pointer (or clicked). */
export function SearchFront({ search }: { search: SearchView }) {
  const [shown, setShown] = useState<number>();
  const [pinned, setPinned] = useState<number>();
  const bitMetric = bitMetricOf(search.study) ?? 'average_bitwidth';
  const points = frontPoints(search.study, bitMetric);
  const x = scale(
    points.map((point) => point.bits),
    MARGIN.left,
    WIDTH - MARGIN.right,
  );
  const y = scale(
    points.map((point) => point.accuracy),
    HEIGHT - MARGIN.bottom,
    MARGIN.top,
  );
  const front = points.filter((point) => point.front).sort((a, b) => a.bits - b.bits);
  // The step line of `ch plot`: across at a front point's accuracy, then up to the next one.
  const steps = front
    .map((point, index) =>
      index === 0
        ? `M${x(point.bits)},${y(point.accuracy)}`
        : `H${x(point.bits)}V${y(point.accuracy)}`,
    )
    .join('');
  const current = shown ?? pinned;
  const trial = search.study.trials.find((entry) => entry.number === current);
  const point = points.find((entry) => entry.number === current);
  const dot = (entry: FrontPoint) => (
    <circle
      key={entry.number}
      class={entry.front ? 'front' : 'dominated'}
      data-trial={entry.number}
      cx={x(entry.bits)}
      cy={y(entry.accuracy)}
      r={entry.front ? 5 : 4}
      onMouseEnter={() => setShown(entry.number)}
      onMouseLeave={() => setShown(undefined)}
      onClick={() => setPinned(entry.number)}
    >
      <title>trial {entry.number}</title>
    </circle>
  );
  return (
    <section class="search-front" data-testid="search-front">
      <h2>
        Pareto front of {search.id}
        {search.ended ? '' : ` (not ended: ${search.study.trials.length} trials so far)`}
      </h2>
      {points.length === 0 ? (
        <p class="empty">No complete trial with accuracy and a bit metric yet.</p>
      ) : (
        <svg width={WIDTH} height={HEIGHT} role="img" aria-label="Pareto front">
          <line
            x1={MARGIN.left}
            x2={WIDTH - MARGIN.right}
            y1={HEIGHT - MARGIN.bottom}
            y2={HEIGHT - MARGIN.bottom}
            class="axis"
          />
          <line
            x1={MARGIN.left}
            x2={MARGIN.left}
            y1={MARGIN.top}
            y2={HEIGHT - MARGIN.bottom}
            class="axis"
          />
          <text x={(MARGIN.left + WIDTH) / 2} y={HEIGHT - 12} text-anchor="middle">
            {BIT_METRICS[bitMetric] ?? bitMetric}
          </text>
          <text transform={`translate(16 ${HEIGHT / 2}) rotate(-90)`} text-anchor="middle">
            validation accuracy (%)
          </text>
          {ends(points.map((entry) => entry.bits)).map((value) => (
            <text
              key={`x${value}`}
              x={x(value)}
              y={HEIGHT - MARGIN.bottom + 16}
              text-anchor="middle"
            >
              {value}
            </text>
          ))}
          {ends(points.map((entry) => entry.accuracy)).map((value) => (
            <text key={`y${value}`} x={MARGIN.left - 6} y={y(value) + 4} text-anchor="end">
              {(value * 100).toFixed(1)}
            </text>
          ))}
          <path class="front-line" d={steps} />
          {points.filter((entry) => !entry.front).map(dot)}
          {front.map(dot)}
        </svg>
      )}
      <pre class="trial-config" data-testid="trial-config">
        {trial && point
          ? `trial ${trial.number}: accuracy ${(point.accuracy * 100).toFixed(2)} %, ${bitMetric} ${point.bits}${point.front ? ' (on the front)' : ''}\n` +
            JSON.stringify(trial.sampledConfig ?? trial.params ?? {}, null, 2)
          : 'Point at a trial (or click it) to see its sampled config.'}
      </pre>
    </section>
  );
}
