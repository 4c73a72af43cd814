// Reading the compact binary answer of `…/metrics?format=f64`: used by the page, and by anyone
// else who wants it (no Node or DOM imports). The server's side is server/binary.ts.
import type { BinaryMetricsHeader, MetricColumns, MetricsResponse } from './api-types.js';

/** Read the layout `?format=f64` answers (see {@link BinaryMetricsHeader}) back into a {@link MetricsResponse}. */
export function decodeMetrics(body: ArrayBuffer): MetricsResponse {
  const length = new DataView(body).getUint32(0, true);
  const { columns, ...header } = JSON.parse(
    new TextDecoder().decode(new Uint8Array(body, 4, length)),
  ) as BinaryMetricsHeader;
  const view = new DataView(body);
  let at = Math.ceil((4 + length) / 8) * 8;
  // Little-endian whatever the machine's order; plain (packed) arrays, which the rest of the
  // page and uPlot work with. A NaN value is what JSON gives as null.
  const read = (count: number, nanIsNull: boolean) => {
    const numbers: (number | null)[] = [];
    for (let index = 0; index < count; index++, at += 8) {
      const number = view.getFloat64(at, true);
      numbers.push(nanIsNull && Number.isNaN(number) ? null : number);
    }
    return numbers;
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
