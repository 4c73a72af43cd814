// The page: the run list on the left; the chart, its controls and the tables on the right.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { automaticSmoothing } from '@machop/runs/series';
import type { RunView } from '../api-types';
import { Chart } from './chart';
import { useDrawGate } from './draw-gate';
import { Exports } from './exports';
import type { FirstLoad } from './first-load';
import { firstSelection } from './first-selection';
import { groupLines, metricNames, runLines } from './lines';
import { listOrder, matches } from './run-list';
import { legendNames, settingsOf, studiedSettings } from './settings';
import { Sidebar } from './sidebar';
import { SummaryChart } from './summary-chart';
import { SearchFront, SearchList, useSearches } from './searches';
import { RunsTable, TestView } from './tables';
import { timed } from './timing';
import { Toolbar } from './toolbar';
import { usePoints, dropGone } from './use-points';
import { useRuns } from './use-runs';
import { writeView, type ViewState } from './url-state';

/** Runs listed before the chart is drawn: more than a screenful; the rest come with the tables. */
const FIRST_LISTED = 30;
/** Columns of settings the runs table has at most. */
const TABLE_SETTINGS = 8;

export function App({ first }: { first: FirstLoad }) {
  const [view, setView] = useState<ViewState>(first.view);
  const update = (change: Partial<ViewState>) => setView((old) => ({ ...old, ...change }));
  const gate = useDrawGate();
  const [reveal, setReveal] = useState<string>();
  const { store } = first;
  const { runs, projectDir, error, reload } = useRuns(first, (listed) => {
    dropGone(first, listed);
    // A first visit (a link that names no runs) draws the latest sweep, or the runs at the top.
    if (!first.linked && listed.length > 0) {
      first.linked = true;
      const chosen = firstSelection(listOrder(listed));
      update({ runs: chosen });
      // The latest sweep may be listed below the fold: what is drawn is shown ticked.
      setReveal(chosen[0]);
    }
  });
  useEffect(() => void reload(), []);
  // Searches are read again whenever the runs change (the server's watch of the project dir).
  const searches = useSearches(runs);
  const [chosenSearch, setChosenSearch] = useState<string>();
  const search = searches.find((entry) => entry.id === chosenSearch);

  const known = useMemo(() => new Set(runs.map((run) => run.id)), [runs]);
  const selectedIds = view.runs.filter((id) => known.has(id));
  const selected = useMemo(() => new Set(selectedIds), [selectedIds.join(',')]);
  const selectedRuns = useMemo(() => runs.filter((run) => selected.has(run.id)), [runs, selected]);
  const revision = usePoints(
    first,
    gate,
    selectedIds,
    view.metric,
    view.x,
    known,
    () => void reload(),
  );
  useEffect(() => {
    if (runs.length > 0 && selectedRuns.length === 0) gate.drawn();
  }, [runs, selectedRuns]);
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
    [view.smoothing, selectedRuns, revision, view.metric],
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
    [selectedRuns, revision, view.metric, view.x, smoothing, view.groupBy, view.band],
  );
  const names = useMemo(() => legendNames(selectedRuns), [selectedRuns]);
  // In the list, a sweep's trials are named by what the sweep varied.
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
  const studied = useMemo(() => studiedSettings(runs), [runs]);
  const groupKeys = useMemo(() => {
    const all = [...new Set(runs.flatMap((run) => [...settingsOf(run).keys()]))].sort();
    return [...studied, ...all.filter((key) => !studied.includes(key))];
  }, [runs, studied]);
  // The summary chart shows the selected runs (all shown ones when none is selected).
  const summarized = selectedRuns.length > 0 ? selectedRuns : visible;
  // Against a numeric setting the runs of the page vary (what a sweep varied first).
  const numericKeys = studied.filter((key) =>
    runs.some((run) => typeof settingsOf(run).get(key) === 'number'),
  );
  const summaryParam = numericKeys.includes(view.summaryParam)
    ? view.summaryParam
    : (numericKeys[0] ?? '');
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
  const tableKeys = useMemo(() => studied.slice(0, TABLE_SETTINGS), [studied]);
  const sidebar = useMemo(
    () => (
      <Sidebar
        projectDir={projectDir}
        filter={view.filter}
        onFilter={(filter) => update({ filter })}
        runs={runs}
        visible={visible}
        selected={selected}
        names={sweepNames}
        onToggle={toggle}
        onNone={() => update({ runs: [] })}
        limit={gate.tablesShown ? undefined : FIRST_LISTED}
        reveal={reveal}
      >
        <SearchList searches={searches} chosen={chosenSearch} onChoose={setChosenSearch} />
      </Sidebar>
    ),
    [
      searches,
      chosenSearch,
      projectDir,
      view.filter,
      runs,
      visible,
      selected,
      sweepNames,
      toggle,
      gate.tablesShown,
      reveal,
    ],
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
    [visible, tableKeys, view.metric, revision, selected, toggle],
  );
  const summaryChart = useMemo(
    () =>
      summaryParam ? (
        <SummaryChart
          runs={summarized}
          param={summaryParam}
          metric={view.metric}
          data={store.data}
        />
      ) : (
        <p class="empty">No numeric setting varies between these runs.</p>
      ),
    [summarized, summaryParam, view.metric, revision],
  );

  return (
    <div class="layout">
      {sidebar}
      <main>
        {error && <p class="error">{error}</p>}
        {search && <SearchFront search={search} />}
        <Toolbar
          view={view}
          metrics={metrics}
          groupKeys={groupKeys}
          smoothing={smoothing}
          update={update}
        />
        {selectedRuns.length === 0 ? (
          <p class="empty">Select runs on the left to draw their curves.</p>
        ) : (
          <Chart
            lines={lines}
            metric={view.metric}
            x={view.x}
            logY={view.logY}
            showRaw={smoothing > 0}
            onDrawn={gate.drawn}
          />
        )}
        <Exports view={view} lines={lines} />
        {gate.tablesShown && (
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
