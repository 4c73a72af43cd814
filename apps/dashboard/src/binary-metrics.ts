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
  const start = offset + Math.ceil((4 + length) / 8) * 8;
  const total = (offset + size - start) / 8;
  // The numbers are little-endian: read them in place where the machine is too (nearly always),
  // else from a byte-swapped copy.
  let numbers = new Float64Array(body, start, total);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    const view = new DataView(body, start);
    numbers = Float64Array.from({ length: total }, (_, index) => view.getFloat64(index * 8, true));
  }
  let at = 0;
  // Plain arrays, which the rest of the page and uPlot work with; NaN is what JSON gives as null.
  const read = (count: number, nanIsNull: boolean) => {
    const result = new Array<number | null>(count);
    for (let index = 0; index < count; index++, at++) {
      const number = numbers[at];
      result[index] = nanIsNull && number !== number ? null : number;
    }
    return result;
  };
  const series: Record<string, MetricColumns> = {};
  for (const [name, count] of columns) {
    const step = read(count, false) as number[];
    const epoch = read(count, false) as number[];
    const time = read(count, false) as number[];
    series[name] = { step, epoch, time, value: read(count, true) };
  }
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
