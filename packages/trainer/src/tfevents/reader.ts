import { readFile } from 'node:fs/promises';
import { IoError } from '@machop/core';
import { decodeEventScalars, type EventScalar } from './event.js';
import { ProtobufFormatError } from './protobuf.js';
import { corruptEventFile, readRecords } from './record.js';

/**
 * Every scalar in a TensorBoard event file, in the order they were written.
 *
 * Both CRCs of every record are checked. A record cut short at the end of the file (a writer
 * still appending it, or one that crashed mid-write) is ignored, so a file can be read while
 * training runs; any other damage throws a `MachopError` with code `E_IO`.
 *
 * @param file - Path of an `events.out.tfevents.*` file.
 */
export async function readEventFile(file: string): Promise<EventScalar[]> {
  let contents: Uint8Array;
  try {
    contents = await readFile(file);
  } catch (error) {
    throw IoError.from(error, 'read event file', file);
  }
  return parseEventFile(contents, file);
}

/**
 * The scalars in the bytes of an event file; {@link readEventFile} without the file system.
 *
 * @param source - Names the file in error messages.
 */
export function parseEventFile(bytes: Uint8Array, source: string): EventScalar[] {
  const scalars: EventScalar[] = [];
  for (const record of readRecords(bytes, source)) {
    try {
      scalars.push(...decodeEventScalars(record.data));
    } catch (error) {
      if (!(error instanceof ProtobufFormatError)) throw error;
      throw corruptEventFile(
        source,
        record.offset,
        `record is not a valid Event (${error.message})`,
      );
    }
  }
  return scalars;
}
