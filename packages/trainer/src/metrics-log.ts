import { closeSync, openSync, writeSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError, isMachopError, writeFileAtomic } from '@machop/core';
import {
  readMetrics,
  RUN_FILES,
  runSettings,
  type RunWriter,
  type MetricRecord,
  type RunConfig,
  type RunEndStatus,
} from '@machop/runs';
import type { HParamValue, SessionStatus } from './tfevents/hparams.js';
import { EventFileWriter } from './tfevents/index.js';

/** What TensorBoard's HParams tab shows of a run: its settings, its group of repeats, its start. */
interface Session {
  hparams: Record<string, HParamValue>;
  group: string;
  startTime: number;
}

/**
 * A run's HParams session: its settings named as flags (as `ch runs` shows them); a sweep trial
 * is grouped with the other seeds of its point, so TensorBoard aggregates repeats.
 */
function sessionOf(config: RunConfig<object>): Session {
  const sweep = config.sweep;
  const point = sweep
    ? Object.keys(sweep.point)
        .sort()
        .map((name) => `${name}=${String(sweep.point[name])}`)
        .join(' ')
    : '';
  return {
    // TensorBoard takes finite numbers only: an unbounded setting is shown as its text.
    hparams: Object.fromEntries(
      [...runSettings({ config })].map(([name, value]) => [
        name,
        typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
      ]),
    ),
    group: sweep ? `${sweep.id}/${point}` : '',
    startTime: Date.parse(config.createdAt) / 1000,
  };
}

/** TensorBoard's session status of a run's end: an interrupted run is left open, to be resumed. */
const SESSION_STATUS: Record<RunEndStatus, SessionStatus | null> = {
  completed: 'success',
  'early-stopped': 'success',
  'time-limit': 'success',
  diverged: 'failure',
  interrupted: null,
};

const EVENT_FILE = /^events\.out\.tfevents\.(\d+)\./;

/**
 * The run's metric log: metrics.jsonl (one JSON object per line, appended and written through
 * at once, so a dashboard can follow it) and a TensorBoard event file with the same scalars.
 */
export class MetricsLog {
  private constructor(
    private readonly run: RunWriter,
    private readonly descriptor: number,
    private readonly events: EventFileWriter,
    private count: number,
  ) {}

  /** Lines written so far, including those kept from before a resume. */
  get records(): number {
    return this.count;
  }

  /** Path of the TensorBoard event file. */
  get eventFile(): string {
    return this.events.path;
  }

  /** Start the log of a new run, opening its event file with the run's hyperparameters. */
  static async create(run: RunWriter, config: RunConfig<object>): Promise<MetricsLog> {
    const events = await EventFileWriter.create(run.dir);
    const session = sessionOf(config);
    events.addHParams(session.hparams, session.group, session.startTime);
    return new MetricsLog(run, openSync(run.paths.metrics, 'a'), events, 0);
  }

  /**
   * Reopen a run's log to continue from a checkpoint taken after `keep` lines: metrics.jsonl is
   * cut back to those lines (atomically), and the event files are replaced by one holding the
   * same scalars, so both again hold exactly what an uninterrupted run would have at that point.
   */
  static async resume(
    run: RunWriter,
    keep: number,
    config: RunConfig<object>,
  ): Promise<MetricsLog> {
    const runDir = run.dir;
    const file = run.paths.metrics;
    let records: MetricRecord[];
    try {
      records = await readMetrics(file);
    } catch (error) {
      if (isMachopError(error)) throw error;
      throw new CheckpointError(
        `cannot resume ${runDir}: ${RUN_FILES.metrics} is missing or unreadable`,
        { cause: error },
      );
    }
    if (records.length < keep) {
      throw new CheckpointError(
        `cannot resume ${runDir}: ${RUN_FILES.metrics} has ${records.length} lines but the checkpoint was taken after ${keep}`,
      );
    }
    const kept = records.slice(0, keep);
    await writeFileAtomic(file, kept.map((record) => JSON.stringify(record) + '\n').join(''));
    const old = (await readdir(runDir)).filter((name) => EVENT_FILE.test(name));
    // The new file's name must sort after (and differ from) the old ones: TensorBoard reads them in name order.
    const latest = Math.max(0, ...old.map((name) => Number(EVENT_FILE.exec(name)![1])));
    const events = await EventFileWriter.create(runDir, {
      wallTime: Math.max(Date.now() / 1000, latest + 1),
    });
    const session = sessionOf(config);
    events.addHParams(session.hparams, session.group, session.startTime);
    for (const record of kept)
      events.addScalar(record.name, record.value ?? Number.NaN, record.step, record.time);
    await events.flush();
    for (const name of old) await rm(path.join(runDir, name), { force: true });
    return new MetricsLog(run, openSync(file, 'a'), events, kept.length);
  }

  /** Append `values` logged at `step` of `epoch`; written through before this resolves. */
  async log(step: number, epoch: number, values: Readonly<Record<string, number>>): Promise<void> {
    // The line would go into a deleted file: stop the run rather than log into nowhere.
    this.run.ensurePresent();
    const time = Date.now() / 1000;
    let text = '';
    for (const [name, value] of Object.entries(values)) {
      const record: MetricRecord = {
        step,
        epoch,
        time,
        name,
        value: Number.isFinite(value) ? value : null,
      };
      text += JSON.stringify(record) + '\n';
      this.events.addScalar(name, value, step, time);
      this.count += 1;
    }
    writeSync(this.descriptor, text);
    await this.events.flush();
  }

  /** Record how the run ended for TensorBoard's HParams tab (an interrupted run stays open). */
  async end(status: RunEndStatus): Promise<void> {
    const session = SESSION_STATUS[status];
    if (session === null) return;
    this.events.addSessionEnd(session);
    await this.events.flush();
  }

  async close(): Promise<void> {
    closeSync(this.descriptor);
    await this.events.close();
  }
}
