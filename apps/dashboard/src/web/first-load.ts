// What the page asks the server for as soon as its script runs, before the first paint: the list
// of runs, and the points of the runs a link names. The App picks the answers up.
import type { RunsResponse } from '../api-types';
import { fetchRuns } from './api';
import { MetricStore } from './metric-store';
import { readView, type ViewState } from './url-state';

/** The requests started on opening the page, and the store their points go to. */
export interface FirstLoad {
  /** The view the link asks for. */
  view: ViewState;
  /** Whether the link names the runs to draw; if not, the page picks some (see firstSelection). */
  linked: boolean;
  store: MetricStore;
  /** The first list of runs; taken (set to undefined) by whoever reads it first. */
  runs: Promise<RunsResponse> | undefined;
  /** The points of the runs the link names, of the metric it shows. */
  metrics: Promise<string[][]>;
}

/** Start the first requests for the page at `search` (`location.search`). */
export function startFirstLoad(search: string): FirstLoad {
  const view = readView(search);
  // Times are fetched only for the time axis (see MetricStore).
  const store = new MetricStore(view.x === 'time');
  const runs = fetchRuns();
  const metrics = store.loadMany(view.runs, view.metric);
  // Handled where they are awaited; without these a failure would also be reported as unhandled.
  runs.catch(() => undefined);
  metrics.catch(() => undefined);
  return { view, linked: new URLSearchParams(search).has('runs'), store, runs, metrics };
}
