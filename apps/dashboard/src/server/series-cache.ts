import { MetricsTail, type MetricRecord } from '@machop/runs';
import type { MetricColumns, MetricsResponse } from '../api-types.js';

interface Stored extends MetricColumns {
  /** Index of each point's record in the file, for `since`. */
  seq: number[];
}

let generations = 0;

/**
 * The metrics of one run, read through {@link MetricsTail} and kept in columns so a page's
 * requests cost a slice, not a parse. Reads are serialised: two requests at once must not both
 * advance the tail.
 */
export class SeriesCache {
  private tail: MetricsTail;
  private count = 0;
  private generation = ++generations;
  private readonly metrics = new Map<string, Stored>();
  private pending: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {
    this.tail = new MetricsTail(file);
  }

  /** Records held (of every metric). */
  get records(): number {
    return this.count;
  }

  /** Read what was appended, then answer with points from record `since` on. */
  query(
    id: string,
    options: { names?: readonly string[]; since?: number; generation?: number } = {},
  ): Promise<MetricsResponse> {
    const result = this.pending.then(async () => {
      await this.update();
      return this.slice(id, options);
    });
    this.pending = result.catch(() => undefined);
    return result;
  }

  private async update(): Promise<void> {
    const { records, reset } = await this.tail.read();
    if (reset) {
      this.metrics.clear();
      this.count = 0;
      this.generation = ++generations;
    }
    for (const record of records) this.add(record);
  }

  private add(record: MetricRecord): void {
    let stored = this.metrics.get(record.name);
    if (!stored) {
      stored = { seq: [], step: [], epoch: [], time: [], value: [] };
      this.metrics.set(record.name, stored);
    }
    stored.seq.push(this.count++);
    stored.step.push(record.step);
    stored.epoch.push(record.epoch);
    stored.time.push(record.time);
    stored.value.push(record.value);
  }

  private slice(
    id: string,
    options: { names?: readonly string[]; since?: number; generation?: number },
  ): MetricsResponse {
    const asked = options.since ?? 0;
    const stale =
      (options.generation !== undefined && options.generation !== this.generation) ||
      asked > this.count;
    const since = stale ? 0 : asked;
    const reset = since === 0;
    const series: Record<string, MetricColumns> = {};
    const wanted = options.names ?? [...this.metrics.keys()];
    for (const name of wanted) {
      const stored = this.metrics.get(name);
      if (!stored) continue;
      const from = firstAtLeast(stored.seq, since);
      if (from === stored.seq.length && !reset) continue;
      series[name] = {
        step: stored.step.slice(from),
        epoch: stored.epoch.slice(from),
        time: stored.time.slice(from),
        value: stored.value.slice(from),
      };
    }
    return {
      id,
      generation: this.generation,
      next: this.count,
      reset,
      names: [...this.metrics.keys()].sort(),
      series,
    };
  }
}

function firstAtLeast(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
