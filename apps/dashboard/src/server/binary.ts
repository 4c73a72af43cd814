import os from 'node:os';
import type { BinaryMetricsHeader, MetricsResponse } from '../api-types.js';

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** Whether every value fits an int32 exactly (steps and epochs nearly always do). */
function integral(values: readonly number[]): boolean {
  for (const value of values)
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) return false;
  return !values.some((value) => Object.is(value, -0));
}

/**
 * Whole numbers as runs of equal steps from 0: `[delta, repeat]` pairs, flattened. Steps 1, 2, 3…
 * are one pair; epochs 0, 0, …, 1, 1, … two per epoch. Undefined when that is no shorter than
 * the values (or a step does not fit an int32).
 */
function runLengths(values: readonly number[], limit: number): number[] | undefined {
  const pairs: number[] = [];
  let previous = 0;
  for (const value of values) {
    const delta = value - previous;
    previous = value;
    if (delta < INT32_MIN || delta > INT32_MAX) return undefined;
    if (pairs.length > 0 && pairs[pairs.length - 2] === delta) pairs[pairs.length - 1]++;
    else {
      if (pairs.length >= limit) return undefined;
      pairs.push(delta, 1);
    }
  }
  return pairs;
}

/** How one metric's steps and epochs are written. */
type Encoding =
  { type: 'f64' } | { type: 'i32' } | { type: 'runs'; step: number[]; epoch: number[] };

function encoding(step: readonly number[], epoch: readonly number[]): Encoding {
  if (!integral(step) || !integral(epoch)) return { type: 'f64' };
  // Worth it only when both columns' runs take fewer int32s than the columns themselves.
  const stepRuns = runLengths(step, step.length);
  const epochRuns = stepRuns && runLengths(epoch, 2 * step.length - stepRuns.length);
  return stepRuns && epochRuns
    ? { type: 'runs', step: stepRuns, epoch: epochRuns }
    : { type: 'i32' };
}

/** {@link MetricsResponse} in the layout of `?format=f64` (see {@link BinaryMetricsHeader}). */
export function encodeMetrics(response: MetricsResponse): Buffer {
  const { series, ...rest } = response;
  const entries = Object.entries(series).map(([name, columns]) => ({
    name,
    columns,
    encoding: encoding(columns.step, columns.epoch),
  }));
  const header: BinaryMetricsHeader = {
    ...rest,
    columns: entries.map(({ name, columns, encoding }) =>
      encoding.type === 'f64'
        ? [name, columns.step.length]
        : encoding.type === 'i32'
          ? [name, columns.step.length, 'i32']
          : [
              name,
              columns.step.length,
              'runs',
              encoding.step.length / 2,
              encoding.epoch.length / 2,
            ],
    ),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = Math.ceil((4 + json.length) / 8) * 8;
  // Per point: time and value as float64; steps and epochs as two float64, two int32, or runs.
  const bytes = entries.reduce(
    (sum, { columns, encoding }) =>
      sum +
      columns.step.length * 16 +
      (encoding.type === 'f64'
        ? columns.step.length * 16
        : encoding.type === 'i32'
          ? columns.step.length * 8
          : (encoding.step.length + encoding.epoch.length) * 4),
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
  const int32s = (...columns: readonly (readonly number[])[]) => {
    for (const values of columns)
      for (const value of values) {
        view.setInt32(at, value, true);
        at += 4;
      }
  };
  for (const { columns, encoding } of entries) {
    if (encoding.type === 'f64') doubles(columns.step, columns.epoch, columns.time, columns.value);
    else {
      if (encoding.type === 'i32') int32s(columns.step, columns.epoch);
      else int32s(encoding.step, encoding.epoch);
      doubles(columns.time, columns.value);
    }
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
