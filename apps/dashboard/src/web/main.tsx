import { render } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { RunView, RunsResponse } from '../api-types';
import { automaticSmoothing } from '@machop/runs/series';
import { fetchRuns, follow } from './api';
import { Chart } from './chart';
import { chartPng, chartSvg, download } from './export';
import {
  groupLines,
  legendNames,
  linesToCsv,
  metricNames,
  params,
  runLines,
  varyingKeys,
  type Band,
  type XAxis,
} from './model';
import { MetricStore } from './metric-store';
import { matches, RunList } from './run-list';
import { RunsTable, SummaryChart, TestView } from './tables';
import { readView, writeView, type ViewState } from './url-state';
import { timed } from './timing';
import './style.css';

/** When the tables under the chart are shown even if no curve was drawn. */
const TABLES_LATE_MS = 3000;
/** How long the list of runs waits, on opening the page, for the curves a link asks for. */
const LIST_WAIT_MS = 1500;
/** Runs listed before the chart is drawn: more than a screenful; the rest come with the tables. */
const FIRST_LISTED = 30;

// The list of runs and the points of the runs a link names are asked for as soon as the script
// runs, not after the first paint; the App picks the answers up.
const firstView = readView(location.search);
// Times are fetched only for the time axis (see MetricStore).
const metricStore = new MetricStore(firstView.x === 'time');
let firstRuns: Promise<RunsResponse> | undefined = fetchRuns();
const firstMetrics = metricStore.loadMany(firstView.runs, firstView.metric);
// Handled where they are awaited; without these a failure would also be reported as unhandled.
firstRuns.catch(() => undefined);
firstMetrics.catch(() => undefined);

function App() {
  const initial = firstView;
  const autoSelect = useRef(!new URLSearchParams(location.search).has('runs'));
  const [view, setView] = useState<ViewState>(initial);
  const [runs, setRuns] = useState<RunView[]>([]);
  const [projectDir, setProjectDir] = useState('');
  const [version, setVersion] = useState(0);
  const [error, setError] = useState('');
  const store = metricStore;
  const runsText = useRef('');
  const selectedRef = useRef<string[]>(view.runs);
  const metricRef = useRef(view.metric);
  const update = (change: Partial<ViewState>) => setView((old) => ({ ...old, ...change }));
  // The tables under the chart wait for the curves: with hundreds of runs they cost the page as
  // much as the chart itself, and the chart is what a person opened the page for. They come once
  // the curves are drawn (and painted), at once when no run is selected, and after TABLES_LATE_MS
  // whatever happened (a metric no selected run has logged draws nothing).
  const [tablesShown, setTablesShown] = useState(false);
  /** Work that waits until the chart has drawn what it was given and the browser painted it. */
  const afterDraw = useRef<(() => void)[]>([]);
  const drawnOnce = useRef(false);
  /** The metric shown and the runs whose points of it the page holds and follows. */
  const followed = useRef({ metric: '', ids: new Set<string>() });
  const chartDrawn = useCallback(() => {
    const tasks = afterDraw.current;
    afterDraw.current = [];
    requestAnimationFrame(() =>
      setTimeout(() => {
        drawnOnce.current = true;
        setTablesShown(true);
        for (const task of tasks) task();
      }, 0),
    );
  }, []);
  useEffect(() => {
    const timer = setTimeout(chartDrawn, TABLES_LATE_MS);
    return () => clearTimeout(timer);
  }, []);

  const reloadRuns = useCallback(async () => {
    try {
      const first = firstRuns !== undefined;
      const listing = firstRuns ?? fetchRuns();
      firstRuns = undefined;
      const listed = await listing;
      // On opening the page, the list comes with the curves of the runs the link names (or after
      // LIST_WAIT_MS), in one render: listing first would hold the curves up by a whole render,
      // layout and paint of the page.
      if (first)
        await Promise.race([
          firstMetrics.catch(() => undefined),
          new Promise((resolve) => setTimeout(resolve, LIST_WAIT_MS)),
        ]);
      // The same list again (a poll, a reconnect): keep the old objects and skip re-rendering.
      const text = JSON.stringify(listed.runs);
      if (text === runsText.current) return;
      runsText.current = text;
      setRuns(listed.runs);
      setProjectDir(listed.projectDir);
      const ids = new Set(listed.runs.map((run) => run.id));
      for (const id of store.data.keys())
        if (!ids.has(id)) {
          store.drop(id);
          followed.current.ids.delete(id);
        }
      if (autoSelect.current && listed.runs.length > 0) {
        autoSelect.current = false;
        const newest = [...listed.runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        update({ runs: newest.slice(0, 5).map((run) => run.id) });
      }
      setError('');
    } catch (caught) {
      setError(String(caught));
    }
  }, []);

  // Draw again only when what is shown changed: points of the metric on screen, a run gone, a
  // new metric name for the menu; not for metrics fetched ahead of time.
  const loadMetrics = useCallback(
    async (ids: readonly string[], metric: string, loading?: Promise<string[][]>) => {
      // One request for all of them: the browser's six connections to a host would make 20 wait.
      const changed = await (loading ?? store.loadMany(ids, metric)).catch(() => [] as string[][]);
      // With the chart drawn, fetch the selected runs' other metrics (usually a few short per-epoch
      // curves) so that switching metric finds them here instead of asking the server; not before,
      // when their answers would hold up the drawing.
      if (changed.some((list) => list.length > 0)) {
        afterDraw.current.push(() => void prefetch(ids));
        setVersion((old) => old + 1);
      } else setTimeout(() => void prefetch(ids), 0);
    },
    [],
  );

  const prefetch = useCallback(async (ids: readonly string[]) => {
    const changed = await Promise.all(
      ids.map(async (id): Promise<string[]> => {
        const rest = store.unfetched(id);
        return rest.length > 0 ? store.load(id, rest).catch(() => []) : [];
      }),
    );
    // Only if one of them is on screen by now (the metric was switched to while on its way).
    if (changed.some((list) => list.includes(metricRef.current))) setVersion((old) => old + 1);
  }, []);

  /**
   * Load `metric` of the runs among `ids` not followed for it yet, and follow them; `loading`: a
   * request for them already on its way.
   */
  const loadFollowed = useCallback(
    (ids: readonly string[], metric: string, loading?: Promise<string[][]>) => {
      const following = followed.current;
      if (following.metric !== metric) {
        following.metric = metric;
        following.ids.clear();
      }
      const wanted = ids.filter((id) => !following.ids.has(id));
      for (const id of wanted) following.ids.add(id);
      void loadMetrics(wanted, metric, loading).then(() => {
        // Not there after all (not listed yet, deleted, a failed request): ask again next time.
        for (const id of wanted) if (!store.has(id, metric)) following.ids.delete(id);
      });
    },
    [],
  );

  useEffect(() => {
    void reloadRuns();
    // The link names the runs: their points were asked for with the list of runs.
    loadFollowed(initial.runs, initial.metric, firstMetrics);
    return follow({
      // Before the curves are first drawn, the page has just read the list: a change (or the
      // catch-up when the event stream opens) is read again once they are.
      onRuns: () => {
        if (drawnOnce.current) void reloadRuns();
        else afterDraw.current.push(() => void reloadRuns());
      },
      onMetrics: (id) => {
        const selected = selectedRef.current;
        const metric = metricRef.current;
        const wanted = id === undefined ? selected : selected.includes(id) ? [id] : [];
        const catchUp = () =>
          void loadMetrics(
            wanted.filter((one) => store.has(one, metric)),
            metric,
          );
        // Catching up when the event stream opens asks for every selected run again; on opening
        // the page that waits until the curves are drawn.
        if (id === undefined && !drawnOnce.current) afterDraw.current.push(catchUp);
        else catchUp();
      },
    });
  }, []);

  const known = useMemo(() => new Set(runs.map((run) => run.id)), [runs]);
  const selectedIds = view.runs.filter((id) => known.has(id));
  selectedRef.current = selectedIds;
  metricRef.current = view.metric;
  const selected = useMemo(() => new Set(selectedIds), [selectedIds.join(',')]);
  const selectedRuns = useMemo(() => runs.filter((run) => selected.has(run.id)), [runs, selected]);
  useEffect(() => {
    if (runs.length > 0 && selectedRuns.length === 0) chartDrawn();
  }, [runs, selectedRuns]);

  // The shown metric of every selected run: all of it the first time, and after that whatever was
  // appended while another metric was shown (usually nothing, and then nothing is drawn again).
  // Runs already followed for the shown metric are kept up to date by the event stream and are
  // not asked for again when the list of runs changes.
  useEffect(() => {
    // The time axis wants the points' times, fetched until now only when it was shown first: the
    // points held without them are dropped, and fetched again with them.
    if (view.x === 'time' && store.includeTime()) {
      followed.current = { metric: '', ids: new Set() };
      setVersion((old) => old + 1);
    }
    loadFollowed(selectedIds, view.metric);
  }, [selectedIds.join(','), known, view.metric, view.x]);

  useEffect(() => {
    history.replaceState(null, '', writeView(view));
  }, [view]);

  // Unless one was chosen, the weight `ch plot` would pick for this metric of these runs.
  const smoothing = useMemo(
    () =>
      view.smoothing ??
      automaticSmoothing(
        selectedRuns.map((run) => store.data.get(run.id)?.[view.metric]?.epoch ?? []),
      ),
    [view.smoothing, selectedRuns, version, view.metric],
  );
  const lines = useMemo(
    () =>
      timed('lines: sort and smooth', () =>
        view.groupBy
          ? groupLines(
              selectedRuns,
              store.data,
              view.metric,
              view.x,
              smoothing,
              view.groupBy,
              view.band,
            )
          : runLines(selectedRuns, store.data, view.metric, view.x, smoothing),
      ),
    [selectedRuns, version, view.metric, view.x, smoothing, view.groupBy, view.band],
  );
  const names = useMemo(() => legendNames(selectedRuns), [selectedRuns]);
  const sweepNames = useMemo(() => {
    const result = new Map<string, string>();
    const bySweep = new Map<string, RunView[]>();
    for (const run of runs)
      if (run.sweep) bySweep.set(run.sweep.id, [...(bySweep.get(run.sweep.id) ?? []), run]);
    for (const members of bySweep.values())
      for (const [id, name] of legendNames(members)) result.set(id, name);
    return result;
  }, [runs]);
  const visible = useMemo(
    () => runs.filter((run) => matches(run, view.filter)),
    [runs, view.filter],
  );
  const metrics = metricNames(
    selectedRuns.length > 0 ? selectedRuns : runs,
    store.data,
    store.names,
  );
  const allKeys = useMemo(
    () => [...new Set(runs.flatMap((run) => Object.keys(params(run))))].sort(),
    [runs],
  );
  const varying = useMemo(() => varyingKeys(runs), [runs]);
  const groupKeys = [...varying, ...allKeys.filter((key) => !varying.includes(key))];
  const numericKeys = varying.filter((key) =>
    runs.some((run) => typeof params(run)[key] === 'number'),
  );
  const summaryParam = view.summaryParam || numericKeys[0] || '';
  const tested = (selectedRuns.length > 0 ? selectedRuns : runs).filter((run) => run.test);
  const testRun = runs.find((run) => run.id === view.testRun && run.test) ?? tested[0];

  const toggle = useCallback(
    (ids: string[], on: boolean) =>
      setView((old) => {
        const next = new Set(old.runs);
        for (const id of ids)
          if (on) next.add(id);
          else next.delete(id);
        return { ...old, runs: runs.map((run) => run.id).filter((id) => next.has(id)) };
      }),
    [runs],
  );
  // The long lists are built only when what they show changed, not on every slider move.
  const tableKeys = useMemo(
    () => varying.filter((key) => key !== 'project').slice(0, 8),
    [varying],
  );
  const runList = useMemo(
    () => (
      <RunList
        runs={visible}
        selected={selected}
        names={sweepNames}
        onToggle={toggle}
        limit={tablesShown ? undefined : FIRST_LISTED}
      />
    ),
    [visible, selected, sweepNames, toggle, tablesShown],
  );
  const runsTable = useMemo(
    () => (
      <RunsTable
        runs={visible}
        keys={tableKeys}
        metric={view.metric}
        data={store.data}
        selected={selected}
        onToggle={toggle}
      />
    ),
    [visible, tableKeys, view.metric, version, selected, toggle],
  );
  const summaryChart = useMemo(
    () =>
      summaryParam ? (
        <SummaryChart runs={visible} param={summaryParam} metric={view.metric} data={store.data} />
      ) : (
        <p class="empty">No numeric setting varies between these runs.</p>
      ),
    [visible, summaryParam, view.metric, version],
  );

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
    if (chart)
      download(
        `${view.metric}.svg`,
        new Blob([chartSvg(chart.plot, chart.lines, chart.map, { x: view.x, y: view.metric })], {
          type: 'image/svg+xml',
        }),
      );
  };
  const shareUrl = `${location.origin}${location.pathname}${writeView(view)}`;

  return (
    <div class="layout">
      <aside>
        <h1>Machop.ts runs</h1>
        <p class="project-dir" title={projectDir}>
          {projectDir}
        </p>
        <input
          class="filter"
          type="search"
          placeholder="filter: text or /regex/"
          value={view.filter}
          onInput={(event) => update({ filter: event.currentTarget.value })}
        />
        <p class="selection">
          {selectedIds.length} of {runs.length} selected{' '}
          <button
            type="button"
            onClick={() =>
              toggle(
                visible.map((run) => run.id),
                true,
              )
            }
          >
            all shown
          </button>{' '}
          <button type="button" onClick={() => update({ runs: [] })}>
            none
          </button>
        </p>
        {runList}
      </aside>
      <main>
        {error && <p class="error">{error}</p>}
        <div class="toolbar">
          <label>
            metric{' '}
            <select
              data-testid="metric"
              value={view.metric}
              onChange={(event) => update({ metric: event.currentTarget.value })}
            >
              {(metrics.includes(view.metric) ? metrics : [view.metric, ...metrics]).map((name) => (
                <option key={name}>{name}</option>
              ))}
            </select>
          </label>
          <label>
            x{' '}
            <select
              data-testid="x-axis"
              value={view.x}
              onChange={(event) => update({ x: event.currentTarget.value as XAxis })}
            >
              <option value="step">step</option>
              <option value="epoch">epoch</option>
              <option value="time">wall time</option>
            </select>
          </label>
          <label>
            smoothing{' '}
            <input
              data-testid="smoothing"
              type="range"
              min="0"
              max="0.99"
              step="0.01"
              value={smoothing}
              onInput={(event) => update({ smoothing: Number(event.currentTarget.value) })}
            />{' '}
            <span data-testid="smoothing-value">
              {smoothing.toFixed(2)}
              {view.smoothing === null ? ' (auto)' : ''}
            </span>
            {view.smoothing !== null && (
              <button
                type="button"
                data-testid="smoothing-auto"
                title="the smoothing ch plot would pick: 0.6 for per-step metrics, none for per-epoch"
                onClick={() => update({ smoothing: null })}
              >
                auto
              </button>
            )}
          </label>
          <label>
            <input
              data-testid="log-y"
              type="checkbox"
              checked={view.logY}
              onChange={(event) => update({ logY: event.currentTarget.checked })}
            />{' '}
            log y
          </label>
          <label>
            group by{' '}
            <select
              data-testid="group-by"
              value={view.groupBy}
              onChange={(event) => update({ groupBy: event.currentTarget.value })}
            >
              <option value="">(each run)</option>
              {groupKeys.map((key) => (
                <option key={key} value={key}>
                  {key}
                </option>
              ))}
            </select>
          </label>
          {view.groupBy && (
            <label>
              band{' '}
              <select
                data-testid="band"
                value={view.band}
                onChange={(event) => update({ band: event.currentTarget.value as Band })}
              >
                <option value="minmax">min–max</option>
                <option value="std">mean ± std</option>
              </select>
            </label>
          )}
        </div>
        {selectedRuns.length === 0 ? (
          <p class="empty">Select runs on the left to draw their curves.</p>
        ) : (
          <Chart
            lines={lines}
            metric={view.metric}
            x={view.x}
            logY={view.logY}
            showRaw={smoothing > 0}
            onDrawn={chartDrawn}
          />
        )}
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
        {tablesShown && (
          <>
            <h2>Runs</h2>
            {runsTable}
            <h2>
              Final {view.metric} against{' '}
              <select
                data-testid="summary-param"
                value={summaryParam}
                onChange={(event) => update({ summaryParam: event.currentTarget.value })}
              >
                {numericKeys.map((key) => (
                  <option key={key}>{key}</option>
                ))}
              </select>
            </h2>
            {summaryChart}
            <h2>
              Test result{' '}
              <select
                data-testid="test-run"
                value={testRun?.id ?? ''}
                onChange={(event) => update({ testRun: event.currentTarget.value })}
              >
                {tested.map((run) => (
                  <option key={run.id} value={run.id}>
                    {names.get(run.id) ?? run.id}
                  </option>
                ))}
              </select>
            </h2>
            {testRun ? (
              <TestView run={testRun} />
            ) : (
              <p class="empty">No selected run has a test result.</p>
            )}
          </>
        )}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
