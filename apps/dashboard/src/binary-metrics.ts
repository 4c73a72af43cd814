// Reading the compact binary answer of `…/metrics?format=f64`: used by the page, and by anyone
// else who wants it (no Node or DOM imports). The server's side is server/binary.ts.
import type {
  BinaryMetricsHeader,
  MetricColumns,
  MetricsBatchResponse,
  MetricsResponse,
} from './api-types.js';

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
  const length = new DataView(body, offset).getUint32(0, true);
  const { columns, ...header } = JSON.parse(
    new TextDecoder().decode(new Uint8Array(body, offset + 4, length)),
  ) as BinaryMetricsHeader;
  let at = offset + Math.ceil((4 + length) / 8) * 8;
  // The numbers are little-endian: read them in place where the machine is too (nearly always),
  // else one by one.
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const view = new DataView(body);
  // Plain arrays, which the rest of the page and uPlot work with; NaN is what JSON gives as null.
  const doubles = (count: number, nanIsNull: boolean) => {
    const numbers = littleEndian ? new Float64Array(body, at, count) : undefined;
    const result = new Array<number | null>(count);
    for (let index = 0; index < count; index++) {
      const number = numbers ? numbers[index] : view.getFloat64(at + index * 8, true);
      result[index] = nanIsNull && number !== number ? null : number;
    }
    at += count * 8;
    return result;
  };
  const integers = (count: number) => {
    const numbers = littleEndian ? new Int32Array(body, at, count) : undefined;
    const result = new Array<number>(count);
    for (let index = 0; index < count; index++)
      result[index] = numbers ? numbers[index] : view.getInt32(at + index * 4, true);
    at += count * 4;
    return result;
  };
  /** `pairs` runs of equal steps from 0 (`[delta, repeat]`), back into `count` whole numbers. */
  const runs = (count: number, pairs: number) => {
    const runs = integers(2 * pairs);
    const result = new Array<number>(count);
    let value = 0;
    let index = 0;
    for (let pair = 0; pair < pairs; pair++) {
      const delta = runs[2 * pair];
      const end = index + runs[2 * pair + 1];
      if (end > count) break;
      while (index < end) result[index++] = value += delta;
    }
    if (index !== count) throw new Error('metrics answer: runs do not add up to the count');
    return result;
  };
  const series: Record<string, MetricColumns> = {};
  for (const entry of columns) {
    const [name, count, type, stepRuns = 0, epochRuns = 0] = entry as [
      string,
      number,
      string?,
      number?,
      number?,
    ];
    let step: number[];
    let epoch: number[];
    if (type === 'runs') {
      step = runs(count, stepRuns);
      epoch = runs(count, epochRuns);
    } else if (type === 'i32') {
      step = integers(count);
      epoch = integers(count);
    } else {
      step = doubles(count, false) as number[];
      epoch = doubles(count, false) as number[];
    }
    const time = doubles(count, false) as number[];
    series[name] = { step, epoch, time, value: doubles(count, true) };
  }
  if (at > offset + size) throw new Error('metrics answer shorter than its header says');
  return { ...header, series };
}

/**
 * Read `/api/metrics?format=f64`: several runs' answers in one, so that a page drawing 20 runs
 * makes one request, not 20. Layout, little-endian: a uint32 run count and four zero bytes; then
 * per run asked for, in order, a uint32 byte length `L` (0 for a run that does not exist) and four
 * zero bytes, `L` bytes of one run's answer (see {@link BinaryMetricsHeader}), and zero bytes up
 * to the next multiple of 8.
 */
export function decodeMetricsBatch(body: ArrayBuffer): MetricsBatchResponse {
  const view = new DataView(body);
  const count = view.getUint32(0, true);
  const runs: (MetricsResponse | null)[] = [];
  let at = 8;
  for (let index = 0; index < count; index++) {
    const size = view.getUint32(at, true);
    at += 8;
    runs.push(size === 0 ? null : decodeMetrics(body, at, size));
    at += Math.ceil(size / 8) * 8;
  }
  return { runs };
}
