import os from 'node:os';
import type { BinaryMetricsHeader, MetricsResponse } from '../api-types.js';

/** {@link MetricsResponse} in the layout of `?format=f64` (see {@link BinaryMetricsHeader}). */
export function encodeMetrics(response: MetricsResponse): Buffer {
  const { series, ...rest } = response;
  const entries = Object.entries(series);
  const header: BinaryMetricsHeader = {
    ...rest,
    columns: entries.map(([name, columns]) => [name, columns.step.length]),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = Math.ceil((4 + json.length) / 8) * 8;
  const points = entries.reduce((sum, [, columns]) => sum + columns.step.length, 0);
  const body = Buffer.alloc(start + points * 4 * 8);
  body.writeUInt32LE(json.length, 0);
  json.copy(body, 4);
  const numbers = new Float64Array(body.buffer, body.byteOffset + start, points * 4);
  let at = 0;
  for (const [, columns] of entries) {
    numbers.set(columns.step, at);
    numbers.set(columns.epoch, (at += columns.step.length));
    numbers.set(columns.time, (at += columns.step.length));
    // Float64Array.set turns null into 0, not NaN: write values one by one.
    at += columns.step.length;
    for (const value of columns.value) numbers[at++] = value === null ? NaN : value;
  }
  // Float64Array writes in the machine's byte order; the format is little-endian.
  if (os.endianness() === 'BE') body.subarray(start).swap64();
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
