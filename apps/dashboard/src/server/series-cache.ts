import { MetricsTail, type MetricRecord } from '@machop/runs';
import type { MetricColumns, MetricsResponse } from '../api-types.js';

/** A column of numbers that grows at the end, kept in a typed array (no per-number garbage). */
class Column<T extends Float64Array | Uint32Array> {
  length = 0;

  constructor(private data: T) {}

  push(value: number): void {
    if (this.length === this.data.length) {
      // Half again as big, as V8 grows a plain array: less room wasted than doubling.
      const bigger = new (this.data.constructor as new (size: number) => T)(
        Math.ceil(this.data.length * 1.5) + 16,
      );
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  at(index: number): number {
    return this.data[index];
  }

  /**
   * The numbers from `start` on, without copying. Numbers are only ever added, and growing moves
   * them to a new array, so the view keeps showing these numbers.
   */
  from(start: number): T {
    return this.data.subarray(start, this.length) as T;
  }
}

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** Whether a number is stored exactly by an int32 (and is not -0). */
export function isInt32(value: number): boolean {
  return (
    Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX && !Object.is(value, -0)
  );
}

/**
 * Whole numbers as runs of equal steps from 0, `[delta, repeat]` pairs flattened, kept up to date
 * as numbers are added: steps 1, 2, 3… are one pair, epochs 0, 0, …, 1, 1, … two per epoch. Gives
 * up (`pairs` undefined) at the first number that is not an int32 or whose step is not.
 */
export class RunLengths {
  pairs: number[] | undefined = [];
  private previous = 0;

  push(value: number): void {
    const pairs = this.pairs;
    if (!pairs) return;
    const delta = value - this.previous;
    this.previous = value;
    if (!isInt32(value) || !isInt32(delta)) this.pairs = undefined;
    else if (pairs.length > 0 && pairs[pairs.length - 2] === delta) pairs[pairs.length - 1]++;
    else pairs.push(delta, 1);
  }
}

/**
 * One metric's points as the server keeps and sends them: columns in typed arrays (a null value is
 * NaN), and, when known, the steps and epochs as {@link RunLengths} pairs from the first point.
 */
export interface SeriesColumns {
  step: Float64Array;
  epoch: Float64Array;
  /** Absent when the request left times out (`omit=time`). */
  time?: Float64Array;
  value: Float64Array;
  /** False when some step or epoch is not an int32; true or unknown (undefined) otherwise. */
  integral?: boolean;
  stepRuns?: readonly number[];
  epochRuns?: readonly number[];
}

/** A {@link MetricsResponse} whose points are {@link SeriesColumns}. */
export interface SeriesAnswer extends Omit<MetricsResponse, 'series'> {
  series: Record<string, SeriesColumns>;
}

/** The JSON form of an answer: plain arrays, null for a value JSON cannot hold. */
export function toResponse(answer: SeriesAnswer): MetricsResponse {
  const series: Record<string, MetricColumns> = {};
  for (const [name, columns] of Object.entries(answer.series))
    series[name] = {
      step: Array.from(columns.step),
      epoch: Array.from(columns.epoch),
      time: columns.time ? Array.from(columns.time) : [],
      value: Array.from(columns.value, (value) => (Number.isNaN(value) ? null : value)),
    };
  return { ...answer, series };
}

class Stored {
  /** Index of each point's record in the file, for `since`. */
  seq = new Column(new Uint32Array(16));
  step = new Column(new Float64Array(16));
  epoch = new Column(new Float64Array(16));
  time = new Column(new Float64Array(16));
  value = new Column(new Float64Array(16));
  stepRuns = new RunLengths();
  epochRuns = new RunLengths();

  add(seq: number, record: MetricRecord): void {
    this.seq.push(seq);
    this.step.push(record.step);
    this.epoch.push(record.epoch);
    this.time.push(record.time);
    this.value.push(record.value ?? NaN);
    this.stepRuns.push(record.step);
    this.epochRuns.push(record.epoch);
  }

  /**
   * The points from the first whose record is `since` or later, with or without their times;
   * undefined when there are none.
   */
  from(since: number, time: boolean): SeriesColumns | undefined {
    const start = this.firstAtLeast(since);
    const columns = {
      step: this.step.from(start),
      epoch: this.epoch.from(start),
      time: time ? this.time.from(start) : undefined,
      value: this.value.from(start),
    };
    const steps = this.stepRuns.pairs;
    const epochs = this.epochRuns.pairs;
    const integral = steps !== undefined && epochs !== undefined;
    // Copied: later points change the pairs. Only when short enough to be of use to encoding.
    const count = this.seq.length;
    return start === 0
      ? {
          ...columns,
          integral,
          stepRuns: steps && steps.length <= count ? steps.slice() : undefined,
          epochRuns: epochs && epochs.length <= 2 * count ? epochs.slice() : undefined,
        }
      : start === this.seq.length
        ? undefined
        : // A whole column is integral or not; its tail can be both.
          { ...columns, integral: integral || undefined };
  }

  private firstAtLeast(value: number): number {
    let low = 0;
    let high = this.seq.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.seq.at(middle) < value) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** Which points of a run a request asks for. */
export interface SeriesOptions {
  /** Only these metrics (all of them when absent). */
  names?: readonly string[];
  /** Only points of records from this one on, if `generation` is still the log's. */
  since?: number;
  generation?: number;
  /** Leave the times out: a page drawing against steps does not need them. */
  omitTime?: boolean;
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

  /**
   * Read what was appended, then answer with points from record `since` on: views of what the
   * cache holds, not copies.
   */
  query(id: string, options: SeriesOptions = {}): Promise<SeriesAnswer> {
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
    for (const record of records) {
      let stored = this.metrics.get(record.name);
      if (!stored) {
        stored = new Stored();
        this.metrics.set(record.name, stored);
      }
      stored.add(this.count++, record);
    }
  }

  private slice(id: string, options: SeriesOptions): SeriesAnswer {
    const asked = options.since ?? 0;
    const stale =
      (options.generation !== undefined && options.generation !== this.generation) ||
      asked > this.count;
    const since = stale ? 0 : asked;
    const reset = since === 0;
    const series: Record<string, SeriesColumns> = {};
    const wanted = options.names ?? [...this.metrics.keys()];
    for (const name of wanted) {
      const columns = this.metrics.get(name)?.from(since, !options.omitTime);
      if (columns) series[name] = columns;
    }
    return {
      id,
      generation: this.generation,
      next: this.count,
      reset,
      names: [...this.metrics.keys()].sort(),
      series,
      ...(options.omitTime ? { omit: ['time' as const] } : {}),
    };
  }
}
