/**
 * Checks the writer's bytes with a decoder written here from the format specs alone (bit-by-bit
 * CRC-32C, its own varint and protobuf parsing), so a shared misreading of the spec in
 * crc32c.ts / protobuf.ts / record.ts cannot make both sides agree.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventFileWriter } from './writer.js';

// --- Independent decoder -------------------------------------------------------------------

/** CRC-32C one bit at a time: reflected polynomial 0x82F63B78, init and final XOR 0xFFFFFFFF. */
function bitwiseCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

/** TFRecord's mask: rotate right 15, add 0xa282ead8, modulo 2^32. */
const masked = (crc: number): number => (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;

/** Splits a TFRecord file into record payloads, asserting both CRCs and that nothing is left over. */
function splitRecords(file: Buffer): Buffer[] {
  const records: Buffer[] = [];
  let offset = 0;
  while (offset < file.length) {
    const length = Number(file.readBigUInt64LE(offset));
    expect(file.readUInt32LE(offset + 8)).toBe(
      masked(bitwiseCrc32c(file.subarray(offset, offset + 8))),
    );
    const data = file.subarray(offset + 12, offset + 12 + length);
    expect(data.length).toBe(length);
    expect(file.readUInt32LE(offset + 12 + length)).toBe(masked(bitwiseCrc32c(data)));
    records.push(data);
    offset += 12 + length + 4;
  }
  expect(offset).toBe(file.length);
  return records;
}

type Field = { number: number; varint?: bigint; bytes?: Buffer };

/** Parses one protobuf message into its fields, in order. */
function parseFields(message: Buffer): Field[] {
  const fields: Field[] = [];
  let position = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = message[position++];
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };
  while (position < message.length) {
    const key = Number(varint());
    const number = key >> 3;
    const wireType = key & 7;
    if (wireType === 0) fields.push({ number, varint: varint() });
    else {
      const size =
        wireType === 1 ? 8 : wireType === 5 ? 4 : wireType === 2 ? Number(varint()) : NaN;
      expect(size, `wire type ${wireType}`).not.toBeNaN();
      fields.push({ number, bytes: message.subarray(position, position + size) });
      position += size;
    }
  }
  expect(position).toBe(message.length);
  return fields;
}

interface DecodedEvent {
  wallTime: number;
  step: bigint;
  fileVersion?: string;
  values: { tag: string; simpleValue: number }[];
}

/** event.proto: wall_time = 1 (double), step = 2 (int64), file_version = 3, summary = 5. */
function decodeEvent(data: Buffer): DecodedEvent {
  const event: DecodedEvent = { wallTime: 0, step: 0n, values: [] };
  for (const field of parseFields(data)) {
    if (field.number === 1) event.wallTime = field.bytes!.readDoubleLE(0);
    else if (field.number === 2) event.step = BigInt.asIntN(64, field.varint!);
    else if (field.number === 3) event.fileVersion = field.bytes!.toString('utf8');
    else if (field.number === 5) {
      // summary.proto: Summary.value = 1; Value.tag = 1, Value.simple_value = 2 (float).
      for (const value of parseFields(field.bytes!).filter((entry) => entry.number === 1)) {
        const parts = parseFields(value.bytes!);
        event.values.push({
          tag: parts.find((part) => part.number === 1)!.bytes!.toString('utf8'),
          simpleValue: parts.find((part) => part.number === 2)!.bytes!.readFloatLE(0),
        });
      }
    } else throw new Error(`unexpected Event field ${field.number}`);
  }
  return event;
}

// --- Tests ---------------------------------------------------------------------------------

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'machop-tfevents-writer-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('EventFileWriter output, decoded independently', () => {
  it('frames every record with both CRCs, opens with file_version, then holds each scalar', async () => {
    const startTime = 1_700_000_000.25;
    const writer = await EventFileWriter.create(join(folder, 'run-a'), {
      hostname: 'trainbox',
      wallTime: startTime,
    });
    expect(basename(writer.path)).toBe(`events.out.tfevents.${Math.floor(startTime)}.trainbox`);

    // A decaying loss, an accuracy, a tiny learning rate, and steps beyond 32 bits and below 0.
    const scalars = Array.from({ length: 12 }, (_, index) => ({
      tag: ['train_loss_step', 'val_acc_epoch', 'lr'][index % 3],
      value:
        index % 3 === 0
          ? 2.3 * Math.exp(-index / 5)
          : index % 3 === 1
            ? index / 13
            : 1e-3 / (index + 1),
      step: index === 11 ? 2 ** 40 + index : index === 10 ? -index : index * 50,
      wallTime: startTime + index * 0.125,
    }));
    for (const scalar of scalars)
      writer.addScalar(scalar.tag, scalar.value, scalar.step, scalar.wallTime);
    await writer.close();

    const events = splitRecords(await readFile(writer.path)).map(decodeEvent);
    expect(events[0]).toEqual({
      wallTime: startTime,
      step: 0n,
      fileVersion: 'brain.Event:2',
      values: [],
    });
    expect(events).toHaveLength(1 + scalars.length);
    scalars.forEach((scalar, index) => {
      const event = events[index + 1];
      expect(event.fileVersion).toBeUndefined();
      expect(event.step).toBe(BigInt(scalar.step));
      expect(event.wallTime).toBe(scalar.wallTime);
      expect(event.values).toEqual([{ tag: scalar.tag, simpleValue: Math.fround(scalar.value) }]);
      // float32 storage really rounds these values, so the check above is not vacuous.
      expect(event.values[0].simpleValue).not.toBe(scalar.value);
    });
  });

  it('writes the exact bytes the proto spec gives for a tiny file', async () => {
    // Event { wall_time: 1.5, file_version: "brain.Event:2" } (step 0 is proto3's default: omitted)
    //   09                          key: field 1 << 3 | wire type 1 (fixed64)
    //   00 00 00 00 00 00 f8 3f     1.5 = 2^0 * 1.1b: sign 0, exponent 1023 = 0x3ff, fraction 0x8_0000_0000_0000
    //                               -> 0x3ff8000000000000, little-endian
    //   1a 0d                       key: field 3 << 3 | wire type 2 (length-delimited), 13 bytes
    //   "brain.Event:2"
    const fileVersionEvent = Buffer.concat([
      Buffer.from([0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0x1a, 0x0d]),
      Buffer.from('brain.Event:2', 'ascii'),
    ]);
    // Event { wall_time: 1.5, step: 3, summary { value { tag: "a", simple_value: 0.5 } } }
    //   09 00 00 00 00 00 00 f8 3f  wall_time, as above
    //   10 03                       key: field 2 << 3 | wire type 0 (varint); 3
    //   2a 0a                       key: field 5 << 3 | 2; Summary is 10 bytes:
    //     0a 08                       key: Summary.value = 1 << 3 | 2; Value is 8 bytes:
    //       0a 01 61                    key: Value.tag = 1 << 3 | 2; 1 byte; "a"
    //       15 00 00 00 3f              key: Value.simple_value = 2 << 3 | 5 (fixed32);
    //                                   0.5 = 2^-1: exponent 126 = 0x7e -> 0x3f000000, little-endian
    const scalarEvent = Buffer.from([
      0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0x10, 0x03, 0x2a, 0x0a, 0x0a, 0x08, 0x0a, 0x01, 0x61,
      0x15, 0, 0, 0, 0x3f,
    ]);
    expect(fileVersionEvent).toHaveLength(24);
    expect(scalarEvent).toHaveLength(23);
    // TFRecord framing: u64 length (LE), masked CRC of those 8 bytes, data, masked CRC of data.
    const frame = (data: Buffer): Buffer => {
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(data.length));
      const crc = (bytes: Uint8Array): Buffer => {
        const out = Buffer.alloc(4);
        out.writeUInt32LE(masked(bitwiseCrc32c(bytes)));
        return out;
      };
      return Buffer.concat([length, crc(length), data, crc(data)]);
    };

    const writer = await EventFileWriter.create(join(folder, 'golden'), {
      hostname: 'h',
      wallTime: 1.5,
    });
    writer.addScalar('a', 0.5, 3, 1.5);
    await writer.close();
    expect(basename(writer.path)).toBe('events.out.tfevents.1.h');
    expect((await readFile(writer.path)).toString('hex')).toBe(
      Buffer.concat([frame(fileVersionEvent), frame(scalarEvent)]).toString('hex'),
    );
  });

  it('writes simple_value even when it is 0, and keeps NaN and infinities', async () => {
    const writer = await EventFileWriter.create(join(folder, 'special'), {
      hostname: 'h',
      wallTime: 10,
    });
    const values = [0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3.4e39];
    values.forEach((value, step) => writer.addScalar('special', value, step + 1, 11));
    await writer.close();
    const decoded = splitRecords(await readFile(writer.path))
      .slice(1)
      .map(decodeEvent);
    // 3.4e39 is beyond float32's range, so it becomes Infinity, as TensorFlow would store it.
    expect(decoded.map((event) => event.values[0].simpleValue)).toEqual(
      values.map((value) => Math.fround(value)),
    );
  });
});
