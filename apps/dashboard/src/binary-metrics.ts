// Reading the compact binary answer of `…/metrics?format=f64`: used by the page, and by anyone
// else who wants it (no Node or DOM imports). The server's side is server/binary.ts.
import type { BinaryMetricsHeader, MetricColumns, MetricsResponse } from './api-types.js';

/** Read the layout `?format=f64` answers (see {@link BinaryMetricsHeader}) back into a {@link MetricsResponse}. */
export function decodeMetrics(body: ArrayBuffer): MetricsResponse {
  const length = new DataView(body).getUint32(0, true);
  const { columns, ...header } = JSON.parse(
    new TextDecoder().decode(new Uint8Array(body, 4, length)),
  ) as BinaryMetricsHeader;
  const start = Math.ceil((4 + length) / 8) * 8;
  const total = (body.byteLength - start) / 8;
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
