import { describe, expect, it } from 'vitest';
import { ProtobufFormatError, ProtobufReader, ProtobufWriter, WireType } from './protobuf.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('ProtobufWriter', () => {
  it('encodes the varint examples of the protobuf encoding guide', () => {
    // Field 1 = 150 is the guide's "08 96 01"; 300 is "ac 02".
    expect(hex(new ProtobufWriter().int64(1, 150).finish())).toBe('089601');
    expect(hex(new ProtobufWriter().int64(1, 300).finish())).toBe('08ac02');
    expect(hex(new ProtobufWriter().int64(1, 1).finish())).toBe('0801');
  });

  it("encodes a negative int64 as ten bytes of two's complement", () => {
    expect(hex(new ProtobufWriter().int64(2, -1).finish())).toBe(`10${'ff'.repeat(9)}01`);
  });

  it('encodes 2^53 - 1 without losing bits above 2^32', () => {
    // 53 one-bits: seven full groups of 7, then the last 4 bits (0x0f).
    expect(hex(new ProtobufWriter().int64(1, Number.MAX_SAFE_INTEGER).finish())).toBe(
      `08${'ff'.repeat(7)}0f`,
    );
  });

  it('encodes strings as UTF-8 with their byte length, not their character count', () => {
    expect(hex(new ProtobufWriter().string(1, 'é').finish())).toBe('0a02c3a9');
  });

  it('rejects an int64 that is not a safe integer', () => {
    expect(() => new ProtobufWriter().int64(1, 1.5)).toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringMatching(/safe integer/) }),
    );
    expect(() => new ProtobufWriter().int64(1, 2 ** 53)).toThrow(/needs a safe integer/);
  });
});

describe('ProtobufReader', () => {
  it('reads back every value the writer encodes', () => {
    const steps = [
      0,
      1,
      127,
      128,
      2 ** 31,
      2 ** 32 + 5,
      2 ** 49,
      Number.MAX_SAFE_INTEGER,
      -1,
      -(2 ** 40),
      Number.MIN_SAFE_INTEGER,
    ];
    const writer = new ProtobufWriter();
    for (const step of steps) writer.int64(2, step);
    writer
      .double(1, Math.PI)
      .float(3, Math.PI)
      .string(4, 'val_acc_epoch')
      .message(5, Uint8Array.of(8, 1));
    const reader = new ProtobufReader(writer.finish());
    for (const step of steps) {
      expect(reader.key()).toEqual({ field: 2, wireType: WireType.varint });
      expect(reader.int64()).toBe(step);
    }
    expect(reader.key()).toEqual({ field: 1, wireType: WireType.fixed64 });
    expect(reader.double()).toBe(Math.PI);
    expect(reader.key()).toEqual({ field: 3, wireType: WireType.fixed32 });
    expect(reader.float()).toBe(Math.fround(Math.PI));
    expect(reader.key()).toEqual({ field: 4, wireType: WireType.lengthDelimited });
    expect(reader.string()).toBe('val_acc_epoch');
    expect(reader.key()).toEqual({ field: 5, wireType: WireType.lengthDelimited });
    expect(Array.from(reader.lengthDelimited())).toEqual([8, 1]);
    expect(reader.done).toBe(true);
  });

  it('skips fields of every supported wire type', () => {
    const bytes = new ProtobufWriter()
      .int64(1, 300)
      .double(2, 1)
      .float(3, 1)
      .string(4, 'skip')
      .int64(5, 7)
      .finish();
    const reader = new ProtobufReader(bytes);
    for (let field = 1; field <= 4; field++) reader.skip(reader.key().wireType);
    expect(reader.key().field).toBe(5);
    expect(reader.int64()).toBe(7);
  });

  it('rejects truncated fields, lengths past the end and obsolete group wire types', () => {
    const truncatedDouble = new ProtobufReader(Uint8Array.of(0x09, 0x00, 0x00, 0xf8));
    truncatedDouble.key();
    expect(() => truncatedDouble.double()).toThrow(/ends in the middle of a field/);
    const truncatedVarint = new ProtobufReader(Uint8Array.of(0x08, 0x96));
    truncatedVarint.key();
    expect(() => truncatedVarint.int64()).toThrow(ProtobufFormatError);
    const longLength = new ProtobufReader(Uint8Array.of(0x0a, 0x05, 0x61));
    longLength.key();
    expect(() => longLength.lengthDelimited()).toThrow(/runs past the end/);
    const group = new ProtobufReader(Uint8Array.of(0x0b));
    expect(() => group.skip(group.key().wireType)).toThrow(/wire type 3/);
    expect(() => new ProtobufReader(Uint8Array.of(0x02)).key()).toThrow(/invalid field key/);
  });

  it('rejects an int64 beyond the safe integer range and invalid UTF-8', () => {
    const huge = new ProtobufReader(Uint8Array.of(0x08, ...Array<number>(8).fill(0xff), 0x7f));
    huge.key();
    expect(() => huge.int64()).toThrow(/safe integer range/);
    const badText = new ProtobufReader(Uint8Array.of(0x0a, 0x01, 0xff));
    badText.key();
    expect(() => badText.string()).toThrow(/UTF-8/);
  });
});
