import { open, readFile } from 'node:fs/promises';
import { IoError } from '@machop/core/base';
import type { MetricRecord } from './types.js';

function isRecord(value: unknown): value is MetricRecord {
  const record = value as MetricRecord | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.name === 'string' &&
    typeof record.step === 'number' &&
    typeof record.epoch === 'number' &&
    typeof record.time === 'number' &&
    (typeof record.value === 'number' || record.value === null)
  );
}

/** What a reader does with a line that is not a metric record (other than a torn last line). */
export type DamagedLines = 'throw' | 'skip';

function parseLines(
  text: string,
  file: string,
  damaged: DamagedLines,
  firstLine: number,
  skipped: number[] = [],
): MetricRecord[] {
  const records: MetricRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (isRecord(value)) records.push(value);
    else if (damaged === 'throw')
      throw new IoError(
        `${file}:${firstLine + index} is not a metric record; the metric log is damaged (remove that line to read the rest)`,
      );
    else skipped.push(firstLine + index);
  });
  return records;
}

/**
 * Every record of a metrics.jsonl file. A torn last line (a writer killed mid-line) is left
 * out; any other damaged line throws (`damaged: 'throw'`, for code that must not lose a value,
 * such as resume) or is skipped (`'skip'`, for display).
 */
export async function readMetrics(
  file: string,
  options: { damaged?: DamagedLines } = {},
): Promise<MetricRecord[]> {
  const text = await readFile(file, 'utf8');
  const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  return parseLines(complete, file, options.damaged ?? 'throw', 1);
}

/**
 * Follows a growing metrics.jsonl: each {@link MetricsTail.read} returns the records appended
 * since the last one. Only whole lines are read, so a line being written is picked up next time;
 * damaged lines are skipped. A file that shrank (a resumed run cuts its log back) is read again
 * from the start, and `reset` is set on that read so a caller can drop what it had.
 *
 * @example
 * const tail = new MetricsTail('machop_output/lab1/run/metrics.jsonl');
 * const { records } = await tail.read(); // everything so far
 * const later = await tail.read(); // only what was appended since
 */
export class MetricsTail {
  private offset = 0;
  private line = 1;

  constructor(readonly file: string) {}

  /** Bytes consumed so far: the start of the next unread line. */
  get position(): number {
    return this.offset;
  }

  /**
   * New whole records since the last call; a missing file reads as no records. `damaged` holds
   * the line numbers (from 1) of the lines skipped in this read, so that a display can warn.
   */
  async read(): Promise<{ records: MetricRecord[]; reset: boolean; damaged: number[] }> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { records: [], reset: false, damaged: [] };
      throw error;
    }
    try {
      const { size } = await handle.stat();
      let reset = false;
      if (size < this.offset) {
        this.offset = 0;
        this.line = 1;
        reset = true;
      }
      if (size === this.offset) return { records: [], reset, damaged: [] };
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      const end = buffer.lastIndexOf(0x0a, bytesRead - 1);
      if (end < 0) return { records: [], reset, damaged: [] };
      const text = buffer.toString('utf8', 0, end + 1);
      const damaged: number[] = [];
      const records = parseLines(text, this.file, 'skip', this.line, damaged);
      this.offset += end + 1;
      this.line += text.split('\n').length - 1;
      return { records, reset, damaged };
    } finally {
      await handle.close();
    }
  }
}
