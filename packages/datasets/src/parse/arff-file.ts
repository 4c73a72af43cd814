import type { Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { DatasetError } from '@machop/core/base';
import { NEWLINE } from './char-codes.js';
import { arffLayout, arffTable, parseArff, type ArffLayout } from './arff.js';
import { readRows, type RowData } from './read-rows.js';
import { RowScanner } from './row-scanner.js';
import type { ColumnChoice, LabelledTable } from './table.js';

/** Bytes read at a time: the whole file never sits in memory (JSC's ARFF is 250 MB). */
export const ARFF_CHUNK_BYTES = 8 << 20;

/** Rows read so far, in arrays grown ahead of need. */
class GrowingRows {
  x: Float32Array;
  y: Int32Array;
  rows = 0;

  constructor(
    private readonly features: number,
    capacity: number,
  ) {
    this.x = new Float32Array(capacity * features);
    this.y = new Int32Array(capacity);
  }

  append(data: RowData, expectedTotal: number): void {
    const needed = this.rows + data.rows;
    if (needed > this.y.length) {
      const capacity = Math.max(
        needed,
        Math.ceil(expectedTotal),
        this.y.length + (this.y.length >> 2),
      );
      const x = new Float32Array(capacity * this.features);
      x.set(this.x.subarray(0, this.rows * this.features));
      const y = new Int32Array(capacity);
      y.set(this.y.subarray(0, this.rows));
      this.x = x;
      this.y = y;
    }
    this.x.set(data.x, this.rows * this.features);
    this.y.set(data.y, this.rows);
    this.rows = needed;
  }

  /** Exactly `rows` rows; copies only when the estimate left much unused room. */
  result(): RowData {
    const x = this.x.subarray(0, this.rows * this.features);
    const y = this.y.subarray(0, this.rows);
    return this.y.length - this.rows > this.rows >> 4
      ? { x: x.slice(), y: y.slice(), rows: this.rows }
      : { x, y, rows: this.rows };
  }
}

function cannotRead(file: string, error: unknown): DatasetError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file; check the path'
      : code === 'EISDIR'
        ? 'is a folder; pass the path of a data file'
        : code === 'EACCES'
          ? 'permission denied; make the file readable'
          : `cannot read (${(error as Error).message}); check the path`;
  return new DatasetError(`${file}: ${why}`, { cause: error });
}

async function readChunk(handle: FileHandle, buffer: Uint8Array, offset: number): Promise<number> {
  let filled = offset;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/**
 * {@link parseArff} of a file read in chunks of {@link ARFF_CHUNK_BYTES}: memory holds one chunk
 * and the rows, not the file. ARFF rows never span lines, so each chunk is cut after its last
 * line end and the rest carried into the next. `hash`, when given, sees every byte of the file
 * (to verify a checksum in the same pass). The table equals `parseArff` of the whole file, and
 * so do its errors (line numbers count from the start of the file).
 */
export async function parseArffFile(
  file: string,
  choice: ColumnChoice,
  hash?: Hash,
  chunkBytes = ARFF_CHUNK_BYTES,
): Promise<LabelledTable> {
  let handle: FileHandle;
  let size: number;
  try {
    handle = await open(file, 'r');
    size = (await handle.stat()).size;
  } catch (error) {
    throw cannotRead(file, error);
  }
  try {
    let buffer = new Uint8Array(chunkBytes);
    let filled = await readChunk(handle, buffer, 0);
    // A file of one chunk, or a header longer than a chunk: read it whole.
    const layout = filled < buffer.length ? undefined : headerOf(buffer, file, choice);
    if (layout === undefined) {
      let whole = buffer.subarray(0, filled);
      if (filled === buffer.length) {
        whole = new Uint8Array(size);
        whole.set(buffer);
        whole = whole.subarray(0, await readChunk(handle, whole, filled));
      }
      hash?.update(whole);
      return parseArff(whole, file, choice);
    }
    const features = layout.plan.featureColumns.length;
    let start = layout.header.data.offset;
    let line = layout.header.data.line;
    let rows: GrowingRows | undefined;
    let expected = 0;
    // buffer[0, hashed) went through the hash already.
    let hashed = 0;
    for (;;) {
      const atEnd = filled < buffer.length;
      hash?.update(buffer.subarray(hashed, filled));
      hashed = filled;
      // Rows end at the last line end of the chunk; at the end of the file, at its last byte.
      const cut = atEnd ? filled : buffer.lastIndexOf(NEWLINE, filled - 1) + 1;
      if (cut <= start) {
        // One line longer than a chunk: grow the buffer and read on.
        const grown = new Uint8Array(buffer.length * 2);
        grown.set(buffer.subarray(0, filled));
        buffer = grown;
        filled = await readChunk(handle, buffer, filled);
        continue;
      }
      const piece = buffer.subarray(0, cut);
      const scanner = new RowScanner(piece, file, 'arff', { offset: start, line });
      const data = readRows(scanner, piece, file, layout.plan);
      if (!rows) {
        // Size the arrays from the first chunk's bytes per row, so they rarely grow.
        const bytesPerRow = (cut - start) / Math.max(data.rows, 1);
        expected = (size - layout.header.data.offset) / bytesPerRow;
        rows = new GrowingRows(features, Math.ceil(expected * 1.02) + 1);
      }
      rows.append(data, expected * 1.1);
      for (
        let index = piece.indexOf(NEWLINE, start);
        index >= 0;
        index = piece.indexOf(NEWLINE, index + 1)
      )
        line++;
      if (atEnd) break;
      // Carry the unfinished line to the front and fill the rest of the buffer.
      buffer.copyWithin(0, cut, filled);
      start = 0;
      const carried = filled - cut;
      filled = await readChunk(handle, buffer, carried);
      hashed = carried;
    }
    return arffTable(file, layout, rows.result());
  } finally {
    await handle.close();
  }
}

/** The layout from a file's first chunk, or undefined when the header does not parse there. */
function headerOf(chunk: Uint8Array, file: string, choice: ColumnChoice): ArffLayout | undefined {
  try {
    return arffLayout(chunk, file, choice);
  } catch {
    // Unfinished in this chunk, or wrong: reading the whole file tells which, with its own error.
    return undefined;
  }
}
