import { fileProblem } from './problem.js';
import {
  COMMA,
  NEWLINE,
  RETURN,
  SPACE,
  TAB,
  DOUBLE_QUOTE,
  SINGLE_QUOTE,
  BACKSLASH,
  PERCENT,
  OPEN_BRACE,
} from './char-codes.js';

/** Field flag: the value was quoted. */
export const QUOTED = 1;
/** Field flag: the quoted value holds escapes, so its bytes must be unescaped before use. */
export const ESCAPED = 2;

/** Which dialect of comma-separated rows to read. */
export type RowDialect = 'csv' | 'arff';

const decoder = new TextDecoder();

/**
 * Splits comma-separated rows into fields without allocating per row: after {@link next}, field
 * `i` of the current row is `bytes[starts[i], ends[i])`, trimmed and without its quotes.
 *
 * CSV follows RFC 4180 (double quotes, `""` escapes, line breaks inside quotes). ARFF data rows
 * take single or double quotes with backslash escapes, and skip `%` comment lines. Both skip
 * blank lines and accept CRLF line ends.
 */
export class RowScanner {
  /** Number of fields in the current row. */
  count = 0;
  /** 1-based line number where the current row starts. */
  line = 0;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  flags = new Uint8Array(64);
  private position: number;
  private nextLine: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
    private readonly dialect: RowDialect,
    start = { offset: 0, line: 1 },
  ) {
    this.position = start.offset;
    this.nextLine = start.line;
  }

  /** Read the next row that is not blank (nor a comment). Returns false at the end of the data. */
  next(): boolean {
    const start = this.seekRow();
    if (start < 0) return false;
    this.splitRow(start);
    return true;
  }

  /**
   * Skip blank and comment lines; return the offset where the next row starts (setting
   * {@link line}), or -1 at the end of the data. Follow with {@link splitRow} or {@link skipRow}.
   */
  seekRow(): number {
    const bytes = this.bytes;
    const end = bytes.length;
    for (;;) {
      let index = this.position;
      while (
        index < end &&
        (bytes[index] === SPACE || bytes[index] === TAB || bytes[index] === RETURN)
      )
        index++;
      if (index >= end) {
        this.position = end;
        return -1;
      }
      const first = bytes[index];
      if (first === NEWLINE || (this.dialect === 'arff' && first === PERCENT)) {
        while (index < end && bytes[index] !== NEWLINE) index++;
        this.position = index + 1;
        this.nextLine++;
        continue;
      }
      if (this.dialect === 'arff' && first === OPEN_BRACE) {
        throw fileProblem(
          this.file,
          this.nextLine,
          'sparse ARFF rows ({index value, ...}) are not supported',
          'convert the file to dense ARFF or CSV',
        );
      }
      this.line = this.nextLine;
      return index;
    }
  }

  /** Move past a row that a caller read itself; `after` is the offset just past its line end. */
  skipRow(after: number): void {
    this.position = after;
    this.nextLine++;
  }

  /** The text of field `field` of the current row, unescaped. */
  text(field: number): string {
    const raw = decoder.decode(this.bytes.subarray(this.starts[field], this.ends[field]));
    if ((this.flags[field] & ESCAPED) === 0) return raw;
    return this.dialect === 'csv'
      ? raw.replaceAll('""', '"')
      : raw.replace(
          /\\(.)/g,
          (_, character: string) => ({ n: '\n', t: '\t', r: '\r' })[character] ?? character,
        );
  }

  /** Split the row starting at `rowStart` (from {@link seekRow}) into fields. */
  splitRow(rowStart: number): void {
    const bytes = this.bytes;
    const end = bytes.length;
    let index = rowStart;
    let count = 0;
    for (;;) {
      while (index < end && (bytes[index] === SPACE || bytes[index] === TAB)) index++;
      if (count === this.starts.length) this.grow();
      const code = index < end ? bytes[index] : NEWLINE;
      let flags = 0;
      let fieldEnd: number;
      if (code === DOUBLE_QUOTE || (this.dialect === 'arff' && code === SINGLE_QUOTE)) {
        flags = QUOTED;
        const quoteLine = this.nextLine;
        this.starts[count] = ++index;
        for (;;) {
          if (index >= end || (bytes[index] === NEWLINE && this.dialect === 'arff')) {
            throw fileProblem(
              this.file,
              quoteLine,
              `a quoted value in field ${count + 1} is never closed`,
              'close the quote (the file may be truncated)',
            );
          }
          const byte = bytes[index];
          if (byte === NEWLINE) this.nextLine++;
          if (this.dialect === 'arff' && byte === BACKSLASH) {
            flags |= ESCAPED;
            index += 2;
            continue;
          }
          if (byte === code) {
            if (this.dialect === 'csv' && bytes[index + 1] === DOUBLE_QUOTE) {
              flags |= ESCAPED;
              index += 2;
              continue;
            }
            break;
          }
          index++;
        }
        fieldEnd = index++;
        while (
          index < end &&
          (bytes[index] === SPACE || bytes[index] === TAB || bytes[index] === RETURN)
        )
          index++;
        if (index < end && bytes[index] !== COMMA && bytes[index] !== NEWLINE) {
          throw fileProblem(
            this.file,
            this.nextLine,
            `unexpected text after the quoted value in field ${count + 1}`,
            'put a comma between values',
          );
        }
      } else {
        this.starts[count] = index;
        while (index < end && bytes[index] !== COMMA && bytes[index] !== NEWLINE) index++;
        fieldEnd = index;
        while (
          fieldEnd > this.starts[count] &&
          (bytes[fieldEnd - 1] === SPACE ||
            bytes[fieldEnd - 1] === TAB ||
            bytes[fieldEnd - 1] === RETURN)
        )
          fieldEnd--;
      }
      this.ends[count] = fieldEnd;
      this.flags[count] = flags;
      count++;
      if (index < end && bytes[index] === COMMA) {
        index++;
        continue;
      }
      this.count = count;
      this.position = index + 1;
      this.nextLine++;
      return;
    }
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    const flags = new Uint8Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    flags.set(this.flags);
    this.starts = starts;
    this.ends = ends;
    this.flags = flags;
  }
}
