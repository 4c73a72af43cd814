// The points the page holds for each run, fetched metric by metric and kept up to date.
import type { TypedColumns, TypedMetricsResponse } from '../binary-metrics';
import { fetchMetrics, fetchMetricsBatch } from './api';

/** A request for some metrics of one run, from where the page's points of them end. */
interface Planned {
  id: string;
  wanted: string[];
  keys: string[];
  since: { next: number; generation: number } | undefined;
  /** Whether it asks for times. */
  time: boolean;
}

/**
 * Metrics the page holds, per run, and where each run's log was read up to for each metric. Only
 * the metrics shown are fetched: a run's other curves cost nothing until someone picks them.
 */
export class MetricStore {
  data = new Map<string, Record<string, TypedColumns>>();
  names = new Map<string, string[]>();
  private cursor = new Map<string, { next: number; generation: number }>();
  private loading = new Set<string>();
  /** The generation of each run's log that the held points come from. */
  private generation = new Map<string, number>();

  /**
   * @param time Whether to fetch the points' times, which only the time axis needs: without them
   * a long curve is half the bytes. See {@link MetricStore.includeTime}.
   */
  constructor(private time = false) {}

  /**
   * Fetch times from now on. Points held without them are dropped, to be fetched again; true when
   * that happened (false when times were fetched already).
   */
  includeTime(): boolean {
    if (this.time) return false;
    this.time = true;
    for (const id of [...this.data.keys()]) this.drop(id);
    this.cursor.clear();
    return true;
  }

  /** Whether `metric` of run `id` was fetched (so that a growing log is worth asking for). */
  has(id: string, metric: string): boolean {
    return this.cursor.has(`${id}\u0000${metric}`);
  }

  drop(id: string): void {
    this.data.delete(id);
    this.names.delete(id);
    this.generation.delete(id);
    for (const key of this.cursor.keys())
      if (key.startsWith(`${id}\u0000`)) this.cursor.delete(key);
  }

  /**
   * Fetch some metrics of a run (all their points at first, then what was appended); which of
   * them changed. Metrics already on their way are left out.
   */
  async load(id: string, metrics: readonly string[]): Promise<string[]> {
    const request = this.plan(id, metrics);
    if (!request) return [];
    try {
      return this.apply(
        request,
        await fetchMetrics(id, request.wanted, request.since, request.time),
      );
    } finally {
      this.settle(request);
    }
  }

  /**
   * {@link MetricStore.load} of one metric for several runs, in one request; for each run, which
   * metrics changed.
   */
  async loadMany(ids: readonly string[], metric: string): Promise<string[][]> {
    const requests = ids.map((id) => this.plan(id, [metric]));
    const asked = requests.filter((request) => request !== undefined);
    if (asked.length === 0) return ids.map(() => []);
    try {
      const responses = await fetchMetricsBatch(asked, [metric], this.time);
      const changed = new Map(asked.map((request, index) => [request, responses[index]]));
      return requests.map((request) => (request ? this.apply(request, changed.get(request)) : []));
    } finally {
      for (const request of asked) this.settle(request);
    }
  }

  /** What to ask the server for `metrics` of run `id`, marked as on their way; undefined for nothing. */
  private plan(id: string, metrics: readonly string[]): Planned | undefined {
    const wanted = metrics.filter((metric) => !this.loading.has(`${id}\u0000${metric}`));
    if (wanted.length === 0) return undefined;
    const keys = wanted.map((metric) => `${id}\u0000${metric}`);
    for (const key of keys) this.loading.add(key);
    // One `since` serves several metrics only when they were read up to the same record.
    const cursors = keys.map((key) => this.cursor.get(key));
    const since = cursors.every(
      (cursor) =>
        cursor && cursor.next === cursors[0]!.next && cursor.generation === cursors[0]!.generation,
    )
      ? cursors[0]
      : undefined;
    return { id, wanted, keys, since, time: this.time };
  }

  private settle(request: Planned): void {
    for (const key of request.keys) this.loading.delete(key);
  }

  /** Take in the server's answer to `request` (undefined: the run is gone); which metrics changed. */
  private apply(
    { id, wanted, keys, time }: Planned,
    response: TypedMetricsResponse | undefined,
  ): string[] {
    // Asked for before times were wanted: these points are not kept, and are asked for again.
    if (time !== this.time) return [];
    if (!response) {
      this.drop(id);
      return [...wanted];
    }
    for (const key of keys)
      this.cursor.set(key, { next: response.next, generation: response.generation });
    const changed = wanted.filter((metric) => response.reset || response.series[metric]);
    // Nothing new: keep the same objects, so nothing downstream is computed again.
    if (changed.length === 0 && response.names.length === (this.names.get(id)?.length ?? -1))
      return [];
    const held = { ...(this.data.get(id) ?? {}) };
    const generation = this.generation.get(id);
    if (generation !== undefined && generation !== response.generation) {
      // The log was cut back (a resumed run): every metric held for this run is stale.
      for (const other of Object.keys(held)) delete held[other];
      for (const other of this.cursor.keys())
        if (other.startsWith(`${id}\u0000`) && !keys.includes(other)) this.cursor.delete(other);
    }
    this.generation.set(id, response.generation);
    for (const metric of wanted) {
      if (response.reset) delete held[metric];
      const columns = response.series[metric];
      if (!columns) continue;
      const old = held[metric];
      held[metric] = old
        ? {
            step: joined(old.step, columns.step),
            epoch: joined(old.epoch, columns.epoch),
            time: joined(old.time, columns.time),
            value:
              old.value instanceof Float64Array && columns.value instanceof Float64Array
                ? joined(old.value, columns.value)
                : [...old.value, ...columns.value].map((value) => (value !== value ? null : value)),
          }
        : columns;
    }
    this.data.set(id, held);
    this.names.set(id, response.names);
    // A new metric name changes the metric menu even when no shown points changed.
    return changed.length > 0 ? changed : [''];
  }

  /** The metrics of run `id` it has logged but the page has not fetched yet. */
  unfetched(id: string): string[] {
    return (this.names.get(id) ?? []).filter((metric) => !this.has(id, metric));
  }
}

/** Two columns one after the other, in a new array. */
function joined(first: Float64Array, second: Float64Array): Float64Array {
  const result = new Float64Array(first.length + second.length);
  result.set(first);
  result.set(second, first.length);
  return result;
}
