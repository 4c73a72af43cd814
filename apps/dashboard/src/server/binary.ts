import os from 'node:os';
import type { BinaryMetricsHeader, MetricsResponse } from '../api-types.js';

/** Whether every value fits an int32 exactly (steps and epochs nearly always do). */
function integral(values: readonly number[]): boolean {
  for (const value of values)
    if (!Number.isInteger(value) || value < -2_147_483_648 || value > 2_147_483_647) return false;
  return !values.some((value) => Object.is(value, -0));
}

/** {@link MetricsResponse} in the layout of `?format=f64` (see {@link BinaryMetricsHeader}). */
export function encodeMetrics(response: MetricsResponse): Buffer {
  const { series, ...rest } = response;
  const entries = Object.entries(series).map(([name, columns]) => ({
    name,
    columns,
    integers: integral(columns.step) && integral(columns.epoch),
  }));
  const header: BinaryMetricsHeader = {
    ...rest,
    columns: entries.map(({ name, columns, integers }) =>
      integers ? [name, columns.step.length, 'i32'] : [name, columns.step.length],
    ),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = Math.ceil((4 + json.length) / 8) * 8;
  // Per point: steps and epochs as two int32 or two float64, then time and value as float64.
  const bytes = entries.reduce(
    (sum, { columns, integers }) => sum + columns.step.length * (integers ? 24 : 32),
    0,
  );
  const body = Buffer.alloc(start + bytes);
  body.writeUInt32LE(json.length, 0);
  json.copy(body, 4);
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  const bigEndian = os.endianness() === 'BE';
  let at = start;
  /** Float64 columns at `at`, in the machine's order, then little-endian. */
  const doubles = (...columns: readonly (readonly (number | null)[])[]) => {
    const count = columns[0].length;
    const numbers = new Float64Array(body.buffer, body.byteOffset + at, count * columns.length);
    columns.forEach((values, index) => {
      // Float64Array.set turns null into 0, not NaN: write values one by one.
      let to = index * count;
      for (const value of values) numbers[to++] = value === null ? NaN : value;
    });
    if (bigEndian) body.subarray(at, at + count * 8 * columns.length).swap64();
    at += count * 8 * columns.length;
  };
  for (const { columns, integers } of entries) {
    if (integers) {
      for (const values of [columns.step, columns.epoch])
        for (const value of values) {
          view.setInt32(at, value, true);
          at += 4;
        }
      doubles(columns.time, columns.value);
    } else doubles(columns.step, columns.epoch, columns.time, columns.value);
  }
  return body;
}

/** Several runs' answers in the layout of `/api/metrics?format=f64` (see `decodeMetricsBatch`). */
export function encodeMetricsBatch(responses: readonly (MetricsResponse | undefined)[]): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.alloc(8);
  count.writeUInt32LE(responses.length, 0);
  parts.push(count);
  for (const response of responses) {
    const body = response ? encodeMetrics(response) : Buffer.alloc(0);
    const size = Buffer.alloc(8);
    size.writeUInt32LE(body.length, 0);
    parts.push(size, body, Buffer.alloc(Math.ceil(body.length / 8) * 8 - body.length));
  }
  return Buffer.concat(parts);
}
