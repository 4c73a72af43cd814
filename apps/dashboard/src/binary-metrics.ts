// Reading the compact binary answer of `…/metrics?format=f64`: used by the page, and by anyone
// else who wants it (no Node or DOM imports). The server's side is server/binary.ts.
import type {
  BinaryMetricsHeader,
  MetricColumns,
  MetricsBatchResponse,
  MetricsResponse,
} from './api-types.js';

/**
 * One metric's points as read from the binary form without copying them: times and values are
 * views of the answer's bytes, and steps and epochs sent as runs may be the same array for several
 * runs; none of them is to be changed. Values are a plain array, with null, only when some are NaN.
 */
export interface TypedColumns {
  step: Float64Array;
  epoch: Float64Array;
  time: Float64Array;
  value: Float64Array | (number | null)[];
}

/** A {@link MetricsResponse} whose points are {@link TypedColumns}. */
export interface TypedMetricsResponse extends Omit<MetricsResponse, 'series'> {
  series: Record<string, TypedColumns>;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Step and epoch columns read from runs, by their runs: shared by the answers that have them. */
const shared = new Map<string, Float64Array>();
/** Columns of up to this many runs are shared (an epoch column has two runs an epoch). */
const SHARED_PAIRS = 1024;
/** Past this many shared columns, the map starts again (answers hold theirs as long as needed). */
const SHARED_COLUMNS = 256;

/**
 * {@link decodeMetrics} into {@link TypedColumns}: what the page draws from, without a plain array
 * per column (for 20 curves of 10,000 points, tens of milliseconds of copying and collecting).
 */
export function readMetrics(
  body: ArrayBuffer,
  offset = 0,
  size = body.byteLength - offset,
): TypedMetricsResponse {
  const length = new DataView(body, offset).getUint32(0, true);
  const { columns, ...header } = JSON.parse(
    new TextDecoder().decode(new Uint8Array(body, offset + 4, length)),
  ) as BinaryMetricsHeader;
  let at = offset + Math.ceil((4 + length) / 8) * 8;
  const view = new DataView(body);
  /** `count` float64s: in place where the machine is little-endian too (nearly always). */
  const doubles = (count: number) => {
    let numbers: Float64Array;
    if (LITTLE_ENDIAN) numbers = new Float64Array(body, at, count);
    else {
      numbers = new Float64Array(count);
      for (let index = 0; index < count; index++)
        numbers[index] = view.getFloat64(at + index * 8, true);
    }
    at += count * 8;
    return numbers;
  };
  const integers = (count: number) => {
    let numbers: Int32Array;
    if (LITTLE_ENDIAN) numbers = new Int32Array(body, at, count);
    else {
      numbers = new Int32Array(count);
      for (let index = 0; index < count; index++)
        numbers[index] = view.getInt32(at + index * 4, true);
    }
    at += count * 4;
    return numbers;
  };
  /** `pairs` runs of equal steps from 0 (`[delta, repeat]`), back into `count` whole numbers. */
  const runs = (count: number, pairs: number) => {
    const runs = integers(2 * pairs);
    // Runs of one sweep log at the same steps and epochs: their columns are made once and shared.
    const key = pairs <= SHARED_PAIRS ? `${count}:${runs.join(',')}` : undefined;
    const known = key === undefined ? undefined : shared.get(key);
    if (known) return known;
    const result = new Float64Array(count);
    let value = 0;
    let index = 0;
    for (let pair = 0; pair < pairs; pair++) {
      const delta = runs[2 * pair];
      const end = index + runs[2 * pair + 1];
      if (end > count) break;
      if (delta === 0) {
        result.fill(value, index, end);
        index = end;
      } else while (index < end) result[index++] = value += delta;
    }
    if (index !== count) throw new Error('metrics answer: runs do not add up to the count');
    if (key !== undefined) {
      if (shared.size >= SHARED_COLUMNS) shared.clear();
      shared.set(key, result);
    }
    return result;
  };
  /** Values, with null for NaN (what JSON gives) in the rare column that has any. */
  const values = (count: number) => {
    const numbers = doubles(count);
    // `includes` finds NaN (SameValueZero) in the browser's own code: no loop of ours.
    return numbers.includes(NaN)
      ? Array.from(numbers, (value) => (Number.isNaN(value) ? null : value))
      : numbers;
  };
  const withoutTime = header.omit?.includes('time') ?? false;
  const series: Record<string, TypedColumns> = {};
  for (const entry of columns) {
    const [name, count, type, stepRuns = 0, epochRuns = 0] = entry as [
      string,
      number,
      string?,
      number?,
      number?,
    ];
    let step: Float64Array;
    let epoch: Float64Array;
    if (type === 'runs') {
      step = runs(count, stepRuns);
      epoch = runs(count, epochRuns);
    } else if (type === 'i32') {
      step = Float64Array.from(integers(count));
      epoch = Float64Array.from(integers(count));
    } else {
      step = doubles(count);
      epoch = doubles(count);
    }
    const time = withoutTime ? new Float64Array(0) : doubles(count);
    series[name] = { step, epoch, time, value: values(count) };
  }
  if (at > offset + size) throw new Error('metrics answer shorter than its header says');
  return { ...header, series };
}

/** Each run's answer in a several-runs answer, as {@link readMetrics} reads one. */
export function readMetricsBatch(body: ArrayBuffer): (TypedMetricsResponse | null)[] {
  const view = new DataView(body);
  const count = view.getUint32(0, true);
  const runs: (TypedMetricsResponse | null)[] = [];
  let at = 8;
  for (let index = 0; index < count; index++) {
    const size = view.getUint32(at, true);
    at += 8;
    runs.push(size === 0 ? null : readMetrics(body, at, size));
    at += Math.ceil(size / 8) * 8;
  }
  return runs;
}

function plain(response: TypedMetricsResponse): MetricsResponse {
  const series: Record<string, MetricColumns> = {};
  for (const [name, columns] of Object.entries(response.series))
    series[name] = {
      step: Array.from(columns.step),
      epoch: Array.from(columns.epoch),
      time: Array.from(columns.time),
      value: Array.from(columns.value),
    };
  return { ...response, series };
}

/**
 * Read the layout `?format=f64` answers (see {@link BinaryMetricsHeader}) back into a
 * {@link MetricsResponse}; from `offset` (a multiple of 8) for `size` bytes when the answer is part
 * of a larger body.
 */
export function decodeMetrics(
  body: ArrayBuffer,
  offset = 0,
  size = body.byteLength - offset,
): MetricsResponse {
  return plain(readMetrics(body, offset, size));
}

/**
 * Read `/api/metrics?format=f64`: several runs' answers in one, so that a page drawing 20 runs
 * makes one request, not 20. Layout, little-endian: a uint32 run count and four zero bytes; then
 * per run asked for, in order, a uint32 byte length `L` (0 for a run that does not exist) and four
 * zero bytes, `L` bytes of one run's answer (see {@link BinaryMetricsHeader}), and zero bytes up
 * to the next multiple of 8.
 */
export function decodeMetricsBatch(body: ArrayBuffer): MetricsBatchResponse {
  return { runs: readMetricsBatch(body).map((run) => run && plain(run)) };
}
