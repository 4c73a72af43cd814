import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { hostname as systemHostname } from 'node:os';
import { join } from 'node:path';
import { IoError, MachopError } from '@machop/core';
import { encodeFileVersionEvent, encodeScalarEvent, encodeSummaryEvent } from './event.js';
import {
  encodeSessionEndSummary,
  encodeSessionStartSummary,
  type HParamValue,
  type SessionStatus,
} from './hparams.js';
import { encodeRecord } from './record.js';

/** Options of {@link EventFileWriter.create}. */
export interface EventFileWriterOptions {
  /** Host name in the file name; defaults to this machine's. */
  hostname?: string;
  /** Seconds since the Unix epoch for the file name and the file_version event; defaults to now. */
  wallTime?: number;
}

function now(): number {
  return Date.now() / 1000;
}

function ioError(action: string, path: string, error: unknown, hint?: string): IoError {
  return IoError.from(error, `${action} event file`, path, hint);
}

/** A writer used the wrong way: a bug in the caller, typed so it is still one clear line. */
function usage(message: string): MachopError {
  return new MachopError('E_USAGE', message);
}

/**
 * Writes scalars to a TensorBoard event file (`events.out.tfevents.<seconds>.<hostname>`).
 *
 * The file only ever grows: each {@link EventFileWriter.flush} appends the buffered records in
 * one write, so TensorBoard and the dashboard can read it while training runs.
 *
 * @example
 * ```ts
 * const writer = await EventFileWriter.create('machop_output/run-1');
 * writer.addScalar('train_loss_step', 0.25, 100);
 * await writer.close();
 * ```
 */
export class EventFileWriter {
  private buffered: Uint8Array[] = [];
  // Appends run one after another in call order, even when flush() is not awaited.
  private writes: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;

  private constructor(
    /** Path of the event file. */
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /**
   * Creates `events.out.tfevents.<seconds>.<hostname>` in `dir` (and `dir` itself if missing)
   * and writes the file_version event that opens every event file.
   *
   * @throws MachopError `E_IO` if the file exists already (two writers started in the same
   *   second in one folder) or cannot be created.
   */
  static async create(dir: string, options: EventFileWriterOptions = {}): Promise<EventFileWriter> {
    const wallTime = options.wallTime ?? now();
    if (!Number.isFinite(wallTime) || wallTime < 0) {
      throw usage(
        `EventFileWriter wallTime must be a finite number of seconds >= 0, got ${wallTime}`,
      );
    }
    // A separator in the host name would put the file somewhere else.
    const host = (options.hostname ?? systemHostname()).replace(/[/\\]/g, '_') || 'localhost';
    const path = join(dir, `events.out.tfevents.${Math.floor(wallTime)}.${host}`);
    let handle: FileHandle;
    try {
      await mkdir(dir, { recursive: true });
      // 'ax': append-only, and never adopt a file another writer is filling.
      handle = await open(path, 'ax');
    } catch (error) {
      const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
      const hint = exists
        ? 'another writer started in this folder in the same second; wait a second or write to another folder'
        : 'check that the folder is writable';
      throw ioError('create', path, error, hint);
    }
    const writer = new EventFileWriter(path, handle);
    writer.buffered.push(encodeRecord(encodeFileVersionEvent(wallTime)));
    try {
      await writer.flush();
    } catch (error) {
      await handle.close();
      throw error;
    }
    return writer;
  }

  /**
   * Buffers one scalar; {@link EventFileWriter.flush} appends it to the file.
   *
   * @param value - Stored as float32, as TensorBoard's `simple_value` is.
   * @param step - An integer up to 2^53 in magnitude (TensorBoard's step is an int64).
   * @param wallTime - Seconds since the Unix epoch; defaults to now.
   */
  addScalar(tag: string, value: number, step: number, wallTime: number = now()): void {
    this.checkOpen();
    if (typeof tag !== 'string' || tag.length === 0) {
      throw usage('event file scalar tag must be a non-empty string');
    }
    if (typeof value !== 'number') {
      throw usage(`event file scalar ${tag} needs a number value, got ${typeof value}`);
    }
    if (!Number.isSafeInteger(step)) {
      throw usage(`event file scalar ${tag} needs an integer step up to 2^53, got ${step}`);
    }
    if (!Number.isFinite(wallTime)) {
      throw usage(`event file scalar ${tag} needs a finite wall time, got ${wallTime}`);
    }
    this.buffered.push(encodeRecord(encodeScalarEvent({ tag, value, step, wallTime })));
  }

  /**
   * Buffers the HParams plugin's session start: the run's hyperparameters by name, so
   * TensorBoard's HParams tab lists the run by them beside its metrics.
   *
   * @param group - Runs sharing a group are repeats of one setting (TensorBoard aggregates their
   *   metrics); empty: the run is a group of its own.
   * @param startTime - When the run started, in seconds since the Unix epoch.
   */
  addHParams(
    hparams: Readonly<Record<string, HParamValue>>,
    group: string,
    startTime: number,
  ): void {
    this.checkOpen();
    for (const [name, value] of Object.entries(hparams)) {
      if (
        typeof value === 'number'
          ? !Number.isFinite(value)
          : typeof value === 'object' && value !== null
      )
        throw usage(`hyperparameter ${name} must be a finite number, text, a boolean or null`);
    }
    const summary = encodeSessionStartSummary({ hparams, group, startTime });
    this.buffered.push(encodeRecord(encodeSummaryEvent(summary, startTime, 0)));
  }

  /** Buffers the HParams plugin's session end: how the run ended, and when (seconds since the epoch). */
  addSessionEnd(status: SessionStatus, endTime: number = now()): void {
    this.checkOpen();
    const summary = encodeSessionEndSummary({ status, endTime });
    this.buffered.push(encodeRecord(encodeSummaryEvent(summary, endTime, 0)));
  }

  /** Appends everything buffered to the file in one write; earlier bytes are never rewritten. */
  flush(): Promise<void> {
    if (this.buffered.length === 0) return this.writes;
    const chunk = Buffer.concat(this.buffered);
    this.buffered = [];
    const write = this.writes
      .then(() => this.handle.appendFile(chunk))
      .catch((error: unknown) => {
        throw ioError('append to', this.path, error, 'check free disk space and permissions');
      });
    // A failed append must not block the ones queued after it.
    this.writes = write.catch(() => undefined);
    return write;
  }

  private checkOpen(): void {
    if (this.closing !== undefined) {
      throw usage(`event file writer for ${this.path} is closed; create a new EventFileWriter`);
    }
  }

  /** Flushes and closes the file. Calling it again returns the same promise. */
  close(): Promise<void> {
    this.closing ??= this.flush().finally(() => this.handle.close());
    return this.closing;
  }
}
