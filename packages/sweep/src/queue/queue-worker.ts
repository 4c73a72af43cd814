import { MachopError } from '@machop/core/base';
import { UnrecoverableError, WaitingError, Worker, type Job, type JobJson } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TrialOutcome, TrialProgress } from '../executor.js';
import { connectRedis, QUEUE_NAME } from './connection.js';
import { QueueJobError, readQueuedTrial, type QueuedTrial } from './job.js';

// Jobs whose data BullMQ could not parse, with the parser's message. BullMQ parses a job's data
// as it takes the job, outside any handler: a parse error there would leave the job active, then
// stalled and taken again forever. Such a job is made with no data and failed in #process instead.
const unreadable = new WeakMap<Job, string>();

class TrialWorker extends Worker {
  protected override createJob(json: JobJson, jobId: string): Job {
    try {
      return super.createJob(json, jobId);
    } catch (error) {
      const job = super.createJob({ ...json, data: 'null' }, jobId);
      unreadable.set(job, (error as Error).message);
      return job;
    }
  }
}

/** What a {@link QueueWorker} reports as it works. */
export type QueueWorkerEvent =
  | { type: 'ready' }
  | { type: 'took'; trial: string; sweep: string; start: number }
  | { type: 'ended'; sweep: string; outcome: TrialOutcome; willRetry: boolean }
  | { type: 'put-back'; trial: string; sweep: string; reason: string }
  | { type: 'refused'; trial: string; sweep: string; reason: string }
  /** A job that is not a valid trial (corrupt or tampered): failed at once, never retried. */
  | { type: 'rejected'; job: string; reason: string };

/** How a {@link QueueWorker} runs. */
export interface QueueWorkerOptions<Payload> {
  /** `redis://HOST:PORT/DB`. */
  url: string;
  /** Trials at once. Default 1. */
  concurrency?: number;
  /**
   * Seconds after which a trial whose worker stopped answering (killed, or its machine lost) is
   * handed to another worker: BullMQ's job lock duration and stalled-job check interval.
   * Default 30.
   */
  stallSeconds?: number;
  /**
   * Whether this worker can run a trial (its plugins, model, data set, versions, storage): a
   * one-line reason when it cannot. The trial then goes back to the queue untouched and the
   * worker stops, so a misconfigured machine never fails trials one by one.
   */
  check?: (trial: QueuedTrial<Payload>) => Promise<string | undefined>;
  /**
   * Check a job's payload, which only the sweep's maker knows, before anything else looks at it:
   * return it typed, or throw a {@link QueueJobError} naming the bad field (the job is then failed
   * and never retried). The rest of the job is checked by {@link readQueuedTrial}.
   */
  readPayload: (payload: unknown, trial: QueuedTrial) => Payload;
  /** Run one trial to its end. `interrupted` (the signal aborted) puts it back on the queue. */
  run: (
    trial: QueuedTrial<Payload>,
    context: { signal: AbortSignal; progress: (progress: TrialProgress) => void },
  ) => Promise<TrialOutcome>;
  onEvent?: (event: QueueWorkerEvent) => void;
}

/**
 * Takes trials off the queue and runs them (the `ch worker` side of {@link QueueExecutor}).
 * A run that fails is retried by BullMQ up to the trial's `maxRetries`; a trial whose worker was
 * lost (BullMQ's stalled-job check) is handed to another worker, at most `maxRetries` times too.
 * {@link QueueWorker.stop} interrupts running trials, puts them back on the queue and closes.
 */
export class QueueWorker<Payload = unknown> {
  readonly #options: QueueWorkerOptions<Payload>;
  #worker: Worker | undefined;
  #connection: Redis | undefined;
  readonly #running = new Set<AbortController>();
  #refusal: MachopError | undefined;
  #closed: Promise<void> | undefined;
  #stopped!: () => void;
  readonly #done = new Promise<void>((resolve) => (this.#stopped = resolve));

  constructor(options: QueueWorkerOptions<Payload>) {
    this.#options = options;
  }

  /**
   * Connect and start taking trials. Resolves once stopped (by {@link QueueWorker.stop}); rejects
   * with the reason when this worker refused a trial it cannot run.
   */
  async start(): Promise<void> {
    const stallMilliseconds = Math.round((this.#options.stallSeconds ?? 30) * 1000);
    this.#connection = await connectRedis(this.#options.url);
    this.#worker = new TrialWorker(QUEUE_NAME, (job, token) => this.#process(job, token), {
      connection: this.#connection,
      concurrency: this.#options.concurrency ?? 1,
      lockDuration: stallMilliseconds,
      stalledInterval: stallMilliseconds,
      // Lost workers are counted against the trial's own maxRetries in #process instead.
      maxStalledCount: 1_000_000,
    });
    // Connection errors during a Redis restart are retried by the client; keep them quiet.
    this.#worker.on('error', () => undefined);
    this.#options.onEvent?.({ type: 'ready' });
    await this.#done;
    if (this.#refusal) throw this.#refusal;
  }

  /** Interrupt the running trials (they save a checkpoint and go back to the queue), then close. */
  stop(): Promise<void> {
    this.#closed ??= (async () => {
      for (const controller of this.#running) controller.abort();
      await this.#worker?.close();
      this.#connection?.disconnect();
      this.#stopped();
    })();
    return this.#closed;
  }

  /** The job's trial, every field checked; an invalid job fails for good, with one line. */
  #read(job: Job): QueuedTrial<Payload> {
    try {
      const parseError = unreadable.get(job);
      if (parseError !== undefined)
        throw new QueueJobError(`the job's data is not JSON (${parseError})`);
      return readQueuedTrial(job.data, this.#options.readPayload);
    } catch (error) {
      if (!(error instanceof QueueJobError)) throw error;
      const reason = `${error.message}; failed without a retry (only ch sweep --queue makes valid jobs)`;
      this.#options.onEvent?.({ type: 'rejected', job: job.id ?? job.name, reason });
      throw new UnrecoverableError(`E_JOB: ${reason}`);
    }
  }

  async #process(job: Job, token: string | undefined): Promise<TrialOutcome> {
    const putBack = async (): Promise<never> => {
      await job.moveToWait(token);
      throw new WaitingError();
    };
    if (this.#refusal || this.#closed) return putBack();
    const trial = this.#read(job);
    const name = trial.task.name;
    const sweep = trial.sweep.id;
    const reason = await this.#options.check?.(trial);
    if (reason !== undefined) {
      this.#refusal ??= new MachopError('E_WORKER', reason);
      this.#options.onEvent?.({ type: 'refused', trial: name, sweep, reason });
      setImmediate(() => void this.stop());
      return putBack();
    }
    // Runs so far that did not end the trial: failures (BullMQ's attemptsMade) and lost workers
    // (its stalled counter). Together they may not pass maxRetries.
    const retries = job.attemptsMade + job.stalledCounter;
    if (retries > trial.maxRetries)
      throw new UnrecoverableError(
        `E_WORKER_LOST: run ${retries + 1} times without an end (its worker was lost ${job.stalledCounter} times${job.failedReason ? `; last error: ${job.failedReason}` : ''}); the run folder keeps its last checkpoint`,
      );
    this.#options.onEvent?.({ type: 'took', trial: name, sweep, start: job.attemptsStarted });
    const controller = new AbortController();
    this.#running.add(controller);
    let outcome: TrialOutcome;
    try {
      outcome = await this.#options.run(trial, {
        signal: controller.signal,
        progress: (progress) => void job.updateProgress({ ...progress }).catch(() => undefined),
      });
    } catch (error) {
      outcome = {
        trial: name,
        status: controller.signal.aborted ? 'interrupted' : 'failed',
        runDir: null,
        error: {
          code: (error as { code?: string }).code ?? 'E_TRIAL',
          message: (error as Error).message ?? String(error),
        },
      };
    } finally {
      this.#running.delete(controller);
    }
    // A trial that ended before the stop reached it stays ended; one the stop cut short goes back.
    if (
      outcome.status === 'interrupted' ||
      (outcome.status === 'failed' && controller.signal.aborted)
    ) {
      this.#options.onEvent?.({
        type: 'put-back',
        trial: name,
        sweep,
        reason: 'this worker is stopping',
      });
      return putBack();
    }
    const willRetry =
      outcome.status === 'failed' && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
    this.#options.onEvent?.({ type: 'ended', sweep, outcome, willRetry });
    if (outcome.status === 'failed')
      throw new Error(
        `${outcome.error?.code ?? 'E_TRIAL'}: ${outcome.error?.message ?? 'unknown error'}`,
      );
    return outcome;
  }
}
