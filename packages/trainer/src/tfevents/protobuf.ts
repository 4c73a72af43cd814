import { MachopError } from '@machop/core';
/**
 * The few pieces of the protobuf wire format that TensorBoard's `Event` messages need, written by
 * hand so the trainer does not depend on a protobuf runtime or generated code.
 *
 * See https://protobuf.dev/programming-guides/encoding/ for the format.
 */

/** Wire types of the protobuf encoding (groups, types 3 and 4, are obsolete and rejected). */
export const WireType = {
  varint: 0,
  fixed64: 1,
  lengthDelimited: 2,
  fixed32: 5,
} as const;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Builds one protobuf message, field by field, in the order the fields are written. */
export class ProtobufWriter {
  private readonly bytes: number[] = [];

  /** An `int64` field; negative values take ten bytes, as in every protobuf implementation. */
  int64(field: number, value: number): this {
    if (!Number.isSafeInteger(value)) {
      throw new MachopError(
        'E_USAGE',
        `protobuf int64 field ${field} needs a safe integer, got ${value}`,
      );
    }
    this.key(field, WireType.varint);
    this.varint(value);
    return this;
  }

  /** A `double` field: eight bytes, IEEE 754, little-endian. */
  double(field: number, value: number): this {
    this.key(field, WireType.fixed64);
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value, true);
    this.bytes.push(...new Uint8Array(view.buffer));
    return this;
  }

  /** A `float` field: four bytes, IEEE 754 single precision (the value is rounded), little-endian. */
  float(field: number, value: number): this {
    this.key(field, WireType.fixed32);
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, value, true);
    this.bytes.push(...new Uint8Array(view.buffer));
    return this;
  }

  /** A `string` field, UTF-8 encoded. */
  string(field: number, value: string): this {
    return this.message(field, utf8Encoder.encode(value));
  }

  /** An embedded message (or `bytes`) field: length, then the already-encoded bytes. */
  message(field: number, encoded: Uint8Array): this {
    this.key(field, WireType.lengthDelimited);
    this.varint(encoded.length);
    for (const byte of encoded) this.bytes.push(byte);
    return this;
  }

  /** The encoded message. */
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }

  private key(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  private varint(value: number): void {
    if (value < 0) {
      // Two's complement over 64 bits, which JS numbers cannot hold exactly.
      let remaining = BigInt.asUintN(64, BigInt(value));
      while (remaining >= 0x80n) {
        this.bytes.push(Number(remaining & 0x7fn) | 0x80);
        remaining >>= 7n;
      }
      this.bytes.push(Number(remaining));
      return;
    }
    // Division rather than `>>>`, which would cut values above 2^32.
    let remaining = value;
    while (remaining >= 0x80) {
      this.bytes.push((remaining % 0x80) | 0x80);
      remaining = Math.floor(remaining / 0x80);
    }
    this.bytes.push(remaining);
  }
}

/** A malformed protobuf message; `offset` is the byte inside the message where decoding failed. */
export class ProtobufFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ProtobufFormatError';
  }
}

/** One field key: which field follows, and how it is encoded. */
export interface FieldKey {
  field: number;
  wireType: number;
}

/** Reads one protobuf message field by field; every read checks that the bytes are there. */
export class ProtobufReader {
  private position = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** True once every byte of the message has been read. */
  get done(): boolean {
    return this.position >= this.bytes.length;
  }

  /** The next field key. */
  key(): FieldKey {
    const start = this.position;
    const key = this.int64();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (key < 0 || field === 0) throw new ProtobufFormatError(`invalid field key ${key}`, start);
    return { field, wireType };
  }

  /** A varint read as `int64` (two's complement), for fields such as `Event.step`. */
  int64(): number {
    const start = this.position;
    let value = 0;
    let scale = 1;
    for (let index = 0; index < 10; index++) {
      const byte = this.byte();
      // Seven groups of 7 bits stay below 2^49, so plain arithmetic is exact up to there.
      if (index < 7) {
        value += (byte & 0x7f) * scale;
        scale *= 0x80;
      }
      if ((byte & 0x80) === 0) return index < 7 ? value : this.wideInt64(start, index + 1);
    }
    throw new ProtobufFormatError('varint longer than 10 bytes', start);
  }

  /** A `double` (fixed64) value. */
  double(): number {
    const offset = this.advance(8);
    return this.view.getFloat64(offset, true);
  }

  /** A `float` (fixed32) value. */
  float(): number {
    const offset = this.advance(4);
    return this.view.getFloat32(offset, true);
  }

  /** A length-delimited value: an embedded message or `bytes`. */
  lengthDelimited(): Uint8Array {
    const start = this.position;
    const length = this.int64();
    if (length < 0 || length > this.bytes.length - this.position) {
      throw new ProtobufFormatError(`length ${length} runs past the end of the message`, start);
    }
    const offset = this.advance(length);
    return this.bytes.subarray(offset, offset + length);
  }

  /** A `string` value, which must be valid UTF-8. */
  string(): string {
    const start = this.position;
    const bytes = this.lengthDelimited();
    try {
      return utf8Decoder.decode(bytes);
    } catch {
      throw new ProtobufFormatError('string field is not valid UTF-8', start);
    }
  }

  /** Skips the value of a field this decoder does not use (newer TensorBoard fields, say). */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.varint:
        this.int64();
        return;
      case WireType.fixed64:
        this.advance(8);
        return;
      case WireType.lengthDelimited:
        this.lengthDelimited();
        return;
      case WireType.fixed32:
        this.advance(4);
        return;
      default:
        throw new ProtobufFormatError(`unsupported wire type ${wireType}`, this.position);
    }
  }

  private byte(): number {
    return this.bytes[this.advance(1)];
  }

  /** Moves past `count` bytes and returns where they start. */
  private advance(count: number): number {
    const offset = this.position;
    if (count > this.bytes.length - offset) {
      throw new ProtobufFormatError('message ends in the middle of a field', offset);
    }
    this.position += count;
    return offset;
  }

  private wideInt64(start: number, length: number): number {
    let value = 0n;
    for (let index = length - 1; index >= 0; index--) {
      value = (value << 7n) | BigInt(this.bytes[start + index] & 0x7f);
    }
    const signed = BigInt.asIntN(64, value);
    if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new ProtobufFormatError(
        `int64 ${signed} is outside JavaScript's safe integer range`,
        start,
      );
    }
    return Number(signed);
  }
}
