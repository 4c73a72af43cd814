// The page's side of the server's JSON endpoints and event stream.
import { BINARY_FORMAT, MAX_RUNS_PER_REQUEST, type RunsResponse } from '../api-types';
import { readMetrics, readMetricsBatch, type TypedMetricsResponse } from '../binary-metrics';
import { timed, timedAsync } from './timing';

async function getJson<T>(url: string): Promise<T | undefined> {
  const response = await timedAsync('fetch: wait for response', () =>
    fetch(url, { cache: 'no-store' }),
  );
  // A run deleted while the page was open answers 404: the caller drops it.
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  return (await timedAsync('fetch: read and parse JSON', () => response.json())) as T;
}

export async function fetchRuns(): Promise<RunsResponse> {
  return (await getJson<RunsResponse>('api/runs')) ?? { projectDir: '', runs: [] };
}

/**
 * Some metrics of a run from record `since` on (all of them at first), with their times or not,
 * or undefined when the run is gone. Asked for in the compact binary form: no JSON to parse for
 * long curves.
 */
export async function fetchMetrics(
  id: string,
  names: readonly string[],
  since: { next: number; generation: number } | undefined,
  time: boolean,
): Promise<TypedMetricsResponse | undefined> {
  const path = id.split('/').map(encodeURIComponent).join('/');
  const query = new URLSearchParams({ names: names.join(','), format: BINARY_FORMAT });
  if (!time) query.set('omit', 'time');
  if (since) {
    query.set('since', String(since.next));
    query.set('generation', String(since.generation));
  }
  const url = `api/runs/${path}/metrics?${query}`;
  const response = await timedAsync('fetch: wait for response', () =>
    fetch(url, { cache: 'no-store' }),
  );
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  const body = await timedAsync('fetch: read body', () => response.arrayBuffer());
  return timed('fetch: decode', () => readMetrics(body));
}

/**
 * The same metrics of several runs in one request, each from its own `since`: an answer per run in
 * the order asked, undefined for a run that is gone.
 */
export async function fetchMetricsBatch(
  requests: readonly MetricsRequest[],
  names: readonly string[],
  time: boolean,
): Promise<(TypedMetricsResponse | undefined)[]> {
  // The server answers at most MAX_RUNS_PER_REQUEST runs a request: more are asked in turns.
  if (requests.length <= MAX_RUNS_PER_REQUEST) return fetchMetricsChunk(requests, names, time);
  const answers: (TypedMetricsResponse | undefined)[] = [];
  for (let start = 0; start < requests.length; start += MAX_RUNS_PER_REQUEST)
    answers.push(
      ...(await fetchMetricsChunk(
        requests.slice(start, start + MAX_RUNS_PER_REQUEST),
        names,
        time,
      )),
    );
  return answers;
}

type MetricsRequest = { id: string; since?: { next: number; generation: number } };

async function fetchMetricsChunk(
  requests: readonly MetricsRequest[],
  names: readonly string[],
  time: boolean,
): Promise<(TypedMetricsResponse | undefined)[]> {
  const query = new URLSearchParams({ names: names.join(','), format: BINARY_FORMAT });
  if (!time) query.set('omit', 'time');
  for (const { id, since } of requests) {
    query.append('run', id);
    query.append('since', since ? String(since.next) : '');
    query.append('generation', since ? String(since.generation) : '');
  }
  const url = `api/metrics?${query}`;
  const response = await timedAsync('fetch: wait for response', () =>
    fetch(url, { cache: 'no-store' }),
  );
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  const body = await timedAsync('fetch: read body', () => response.arrayBuffer());
  const runs = timed('fetch: decode', () => readMetricsBatch(body));
  return runs.map((run) => run ?? undefined);
}

/**
 * Follow the server: `onRuns` when the list of runs changed, `onMetrics` when a run's log grew.
 * Uses server-sent events; when they cannot be had, polls every few seconds instead.
 */
export function follow(handlers: {
  onRuns: () => void;
  onMetrics: (id: string | undefined) => void;
}): () => void {
  let poll: ReturnType<typeof setInterval> | undefined;
  let failures = 0;
  const startPolling = () => {
    poll ??= setInterval(() => {
      handlers.onRuns();
      handlers.onMetrics(undefined);
    }, 3000);
  };
  if (typeof EventSource === 'undefined') {
    startPolling();
    return () => clearInterval(poll);
  }
  const source = new EventSource('api/events');
  source.addEventListener('hello', () => {
    failures = 0;
    if (poll !== undefined) clearInterval(poll);
    poll = undefined;
    // Whatever happened while disconnected is not known: catch up.
    handlers.onRuns();
    handlers.onMetrics(undefined);
  });
  source.addEventListener('runs', () => handlers.onRuns());
  source.addEventListener('metrics', (event) => {
    const { id } = JSON.parse((event as MessageEvent<string>).data) as { id: string };
    handlers.onMetrics(id);
  });
  source.addEventListener('error', () => {
    failures += 1;
    if (failures >= 3) startPolling();
  });
  return () => {
    source.close();
    if (poll !== undefined) clearInterval(poll);
  };
}
