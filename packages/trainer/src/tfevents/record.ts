/**
 * TFRecord framing, the container TensorBoard event files use. Each record is
 *
 * ```text
 * uint64 length            little-endian
 * uint32 masked_crc32c(length bytes)
 * byte   data[length]
 * uint32 masked_crc32c(data)
 * ```
 *
 * as in tensorflow/core/lib/io/record_writer.cc.
 */
import { IoError } from '@machop/core';
import { crc32c, maskCrc32c } from './crc32c.js';

const LENGTH_BYTES = 8;
const CRC_BYTES = 4;
const HEADER_BYTES = LENGTH_BYTES + CRC_BYTES;

/** Frames `data` as one TFRecord. */
export function encodeRecord(data: Uint8Array): Uint8Array {
  const record = new Uint8Array(HEADER_BYTES + data.length + CRC_BYTES);
  const view = new DataView(record.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(LENGTH_BYTES, maskCrc32c(crc32c(record.subarray(0, LENGTH_BYTES))), true);
  record.set(data, HEADER_BYTES);
  view.setUint32(HEADER_BYTES + data.length, maskCrc32c(crc32c(data)), true);
  return record;
}

/** One record found in a file: its data, and the byte where its header starts. */
export interface FramedRecord {
  offset: number;
  data: Uint8Array;
}

/** The error for a damaged event file: where, what, and what the user can do. */
export function corruptEventFile(source: string, offset: number, problem: string): IoError {
  return new IoError(
    `event file ${source} is corrupt at byte ${offset}: ${problem}; restore the file from a copy or delete it`,
  );
}

/**
 * Every complete record in `bytes`, checking both CRCs of each. A record cut short at the end
 * is left out, because a writer may be appending it right now (or crashed while doing so);
 * a checksum mismatch anywhere throws, because that is damage, not an unfinished write.
 *
 * @param source - Names the file in error messages.
 */
export function readRecords(bytes: Uint8Array, source: string): FramedRecord[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: FramedRecord[] = [];
  let offset = 0;
  while (bytes.length - offset >= HEADER_BYTES) {
    const lengthBytes = bytes.subarray(offset, offset + LENGTH_BYTES);
    const expectedLengthCrc = view.getUint32(offset + LENGTH_BYTES, true);
    if (maskCrc32c(crc32c(lengthBytes)) !== expectedLengthCrc) {
      throw corruptEventFile(source, offset, 'record length checksum mismatch');
    }
    // Only now that its checksum holds may the length decide what is data and what is a cut tail.
    const length = view.getBigUint64(offset, true);
    const available = bytes.length - offset - HEADER_BYTES - CRC_BYTES;
    if (length > BigInt(Math.max(available, 0))) break;
    const dataStart = offset + HEADER_BYTES;
    const data = bytes.subarray(dataStart, dataStart + Number(length));
    const expectedDataCrc = view.getUint32(dataStart + data.length, true);
    if (maskCrc32c(crc32c(data)) !== expectedDataCrc) {
      throw corruptEventFile(source, offset, 'record data checksum mismatch');
    }
    records.push({ offset, data });
    offset = dataStart + data.length + CRC_BYTES;
  }
  return records;
}
