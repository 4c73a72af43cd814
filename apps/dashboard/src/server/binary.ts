import os from 'node:os';
import type { BinaryMetricsHeader, MetricsResponse } from '../api-types.js';
import { isInt32, RunLengths, type SeriesAnswer, type SeriesColumns } from './series-cache.js';

/** The typed form of a JSON answer (null values as NaN), for encoding. */
export function toSeries(response: MetricsResponse): SeriesAnswer {
  const series: Record<string, SeriesColumns> = {};
  for (const [name, columns] of Object.entries(response.series))
    series[name] = {
      step: Float64Array.from(columns.step),
      epoch: Float64Array.from(columns.epoch),
      time: response.omit?.includes('time') ? undefined : Float64Array.from(columns.time),
      value: Float64Array.from(columns.value, (value) => value ?? NaN),
    };
  return { ...response, series };
}

function pairsOf(values: Float64Array): number[] | undefined {
  const runs = new RunLengths();
  for (const value of values) runs.push(value);
  return runs.pairs;
}

/** How one metric's steps and epochs are written. */
type Encoding =
  | { type: 'f64' }
  | { type: 'i32' }
  | { type: 'runs'; step: readonly number[]; epoch: readonly number[] };

function encoding(columns: SeriesColumns): Encoding {
  const count = columns.step.length;
  const integral =
    columns.integral ??
    (columns.step.every((value) => isInt32(value)) &&
      columns.epoch.every((value) => isInt32(value)));
  if (!integral) return { type: 'f64' };
  // Runs are worth it only when both columns' pairs take fewer int32s than the columns themselves.
  const step = columns.stepRuns ?? pairsOf(columns.step);
  if (!step || step.length > count) return { type: 'i32' };
  const epoch = columns.epochRuns ?? pairsOf(columns.epoch);
  if (!epoch || step.length + epoch.length > 2 * count) return { type: 'i32' };
  return { type: 'runs', step, epoch };
}

/** One run's answer laid out: its header, and per metric how its steps are written. */
interface Layout {
  json: Buffer;
  entries: { columns: SeriesColumns; encoding: Encoding }[];
  /** Bytes of the whole answer. */
  size: number;
}

function layout(answer: SeriesAnswer): Layout {
  const { series, ...rest } = answer;
  const entries = Object.values(series).map((columns) => ({
    columns,
    encoding: encoding(columns),
  }));
  const names = Object.keys(series);
  const header: BinaryMetricsHeader = {
    ...rest,
    columns: entries.map(({ columns, encoding }, index) =>
      encoding.type === 'f64'
        ? [names[index], columns.step.length]
        : encoding.type === 'i32'
          ? [names[index], columns.step.length, 'i32']
          : [
              names[index],
              columns.step.length,
              'runs',
              encoding.step.length / 2,
              encoding.epoch.length / 2,
            ],
    ),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  // Per point: time (unless left out) and value as float64; steps and epochs as two float64, two
  // int32, or runs.
  let size = Math.ceil((4 + json.length) / 8) * 8;
  for (const { columns, encoding } of entries) {
    const count = columns.step.length;
    size +=
      (columns.time ? count * 16 : count * 8) +
      (encoding.type === 'f64'
        ? count * 16
        : encoding.type === 'i32'
          ? count * 8
          : (encoding.step.length + encoding.epoch.length) * 4);
  }
  return { json, entries, size };
}

const bigEndian = os.endianness() === 'BE';

/** Write a laid-out answer into `body` at `offset` (the bytes there are zero). */
function write({ json, entries }: Layout, body: Buffer, offset: number): void {
  body.writeUInt32LE(json.length, offset);
  json.copy(body, offset + 4);
  let at = offset + Math.ceil((4 + json.length) / 8) * 8;
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  /** Float64 columns, copied in the machine's order, then made little-endian. */
  const doubles = (...columns: (Float64Array | undefined)[]) => {
    for (const values of columns) {
      if (!values) continue;
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      body.set(bytes, at);
      if (bigEndian) body.subarray(at, at + values.byteLength).swap64();
      at += values.byteLength;
    }
  };
  const int32s = (...columns: (readonly number[] | Float64Array)[]) => {
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
}

/** A {@link SeriesAnswer} in the layout of `?format=f64` (see {@link BinaryMetricsHeader}). */
export function encodeMetrics(answer: SeriesAnswer): Buffer {
  const laid = layout(answer);
  const body = Buffer.alloc(laid.size);
  write(laid, body, 0);
  return body;
}

/** Several runs' answers in the layout of `/api/metrics?format=f64` (see `decodeMetricsBatch`). */
export function encodeMetricsBatch(answers: readonly (SeriesAnswer | undefined)[]): Buffer {
  const laid = answers.map((answer) => (answer ? layout(answer) : undefined));
  // A count, then per run its size and its bytes: each part 8-byte aligned, in one buffer.
  const padded = (one: Layout | undefined) => Math.ceil((one?.size ?? 0) / 8) * 8;
  const body = Buffer.alloc(laid.reduce((sum, one) => sum + 8 + padded(one), 8));
  body.writeUInt32LE(answers.length, 0);
  let at = 8;
  for (const one of laid) {
    body.writeUInt32LE(one?.size ?? 0, at);
    at += 8;
    if (one) write(one, body, at);
    at += padded(one);
  }
  return body;
}
