/**
 * TensorBoard's `Event` message, limited to what scalar logging needs. Field numbers come from
 * tensorflow/core/util/event.proto and tensorflow/core/framework/summary.proto:
 *
 * ```proto
 * message Event   { double wall_time = 1; int64 step = 2;
 *                   oneof what { string file_version = 3; Summary summary = 5; ... } }
 * message Summary { repeated Value value = 1; }
 * message Value   { string tag = 1; oneof value { float simple_value = 2; ... } }
 * ```
 */
import { ProtobufReader, ProtobufWriter, WireType } from './protobuf.js';

/** The version TensorFlow 1.x and 2.x write; TensorBoard reads any `brain.Event:*` file. */
export const FILE_VERSION = 'brain.Event:2';

const EventField = { wallTime: 1, step: 2, fileVersion: 3, summary: 5 } as const;
const SummaryField = { value: 1 } as const;
const ValueField = { tag: 1, simpleValue: 2 } as const;

/** One scalar as stored in an event file; `value` has float32 precision. */
export interface EventScalar {
  tag: string;
  step: number;
  /** Seconds since the Unix epoch, with fractions. */
  wallTime: number;
  value: number;
}

/**
 * Starts an Event with the fields every event carries. Proto3 leaves out fields equal to their
 * default, and so do we, which keeps our bytes identical to TensorFlow's for the same event.
 */
function eventHeader(wallTime: number, step: number): ProtobufWriter {
  const writer = new ProtobufWriter();
  if (wallTime !== 0) writer.double(EventField.wallTime, wallTime);
  if (step !== 0) writer.int64(EventField.step, step);
  return writer;
}

/** The first event of every file: it tells readers which format follows. */
export function encodeFileVersionEvent(wallTime: number): Uint8Array {
  return eventHeader(wallTime, 0).string(EventField.fileVersion, FILE_VERSION).finish();
}

/** An event holding one scalar summary value. */
export function encodeScalarEvent(scalar: EventScalar): Uint8Array {
  // simple_value sits in a oneof, so it is written even when it is 0: readers tell "set to 0"
  // from "not a scalar" by its presence.
  const value = new ProtobufWriter()
    .string(ValueField.tag, scalar.tag)
    .float(ValueField.simpleValue, scalar.value)
    .finish();
  const summary = new ProtobufWriter().message(SummaryField.value, value).finish();
  return encodeSummaryEvent(summary, scalar.wallTime, scalar.step);
}

/** An event holding an already-encoded `Summary` message. */
export function encodeSummaryEvent(
  summary: Uint8Array,
  wallTime: number,
  step: number,
): Uint8Array {
  return eventHeader(wallTime, step).message(EventField.summary, summary).finish();
}

/**
 * The scalars in one serialized Event (none for file_version and other kinds of event). Values
 * that are not `simple_value` (images, histograms, tensors) are skipped.
 */
export function decodeEventScalars(bytes: Uint8Array): EventScalar[] {
  const reader = new ProtobufReader(bytes);
  let wallTime = 0;
  let step = 0;
  const values: { tag: string; value: number }[] = [];
  while (!reader.done) {
    const { field, wireType } = reader.key();
    if (field === EventField.wallTime && wireType === WireType.fixed64) {
      wallTime = reader.double();
    } else if (field === EventField.step && wireType === WireType.varint) {
      step = reader.int64();
    } else if (field === EventField.summary && wireType === WireType.lengthDelimited) {
      values.push(...decodeSummary(reader.lengthDelimited()));
    } else {
      reader.skip(wireType);
    }
  }
  return values.map(({ tag, value }) => ({ tag, step, wallTime, value }));
}

function decodeSummary(bytes: Uint8Array): { tag: string; value: number }[] {
  const reader = new ProtobufReader(bytes);
  const values: { tag: string; value: number }[] = [];
  while (!reader.done) {
    const { field, wireType } = reader.key();
    if (field === SummaryField.value && wireType === WireType.lengthDelimited) {
      const value = decodeValue(reader.lengthDelimited());
      if (value !== undefined) values.push(value);
    } else {
      reader.skip(wireType);
    }
  }
  return values;
}

function decodeValue(bytes: Uint8Array): { tag: string; value: number } | undefined {
  const reader = new ProtobufReader(bytes);
  let tag = '';
  let value: number | undefined;
  while (!reader.done) {
    const { field, wireType } = reader.key();
    if (field === ValueField.tag && wireType === WireType.lengthDelimited) {
      tag = reader.string();
    } else if (field === ValueField.simpleValue && wireType === WireType.fixed32) {
      value = reader.float();
    } else {
      reader.skip(wireType);
    }
  }
  return value === undefined ? undefined : { tag, value };
}
