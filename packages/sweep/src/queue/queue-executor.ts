import { ConfigError } from '@machop/core/base';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type {
  Executor,
  ExecutorEvent,
  ExecutorRunOptions,
  TrialOutcome,
  TrialProgress,
  TrialTask,
} from '../executor.js';
import { connectRedis, QUEUE_NAME, trialJobId } from './connection.js';
import type { QueuedTrial } from './job.js';

/** How a {@link QueueExecutor} reaches the queue and what it tells workers. */
export interface QueueExecutorOptions {
  /** `redis://HOST:PORT/DB`. */
  url: string;
  /** The sweep's id and project: job ids derive from the id, workers look for the sweep's folder. */
  sweep: { id: string; project: string };
  /** Retries after a failure or a lost worker, before a trial is failed. Default 2. */
  maxRetries?: number;
  /** Passed to workers, which check it before taking a trial (plugins, model, versions). */
  requirements?: unknown;
  /**
   * How often progress is read from Redis while following. Default 1000 ms, or 2 ms per open
   * trial when more: a poll costs about 3 Redis commands per open trial, so a sweep of 10 000
   * trials reads every 20 s and keeps the coordinator's load near 1 500 commands/s.
   */
  pollMilliseconds?: number;
}

/** Where a queued trial stands, as the queue sees it. */
export interface QueuedTrialState {
  trial: string;
  /** BullMQ's state: `waiting`, `active`, `delayed`, `completed`, `failed`, or `unknown` (not queued). */
  state: string;
  /** Times a worker started it (a lost worker's start included). */
  starts: number;
  progress: TrialProgress | null;
  outcome: TrialOutcome | null;
}

/** Whether a value is a usable retry count: a whole number from 0 up. */
export function checkMaxRetries(value: number): number {
  if (!Number.isInteger(value) || value < 0)
    throw new ConfigError(
      `--max-retries must be a whole number from 0 up, got ${JSON.stringify(value)}`,
    );
  return value;
}

/** A failed trial's outcome from BullMQ's failed reason. */
function failure(trial: string, reason: string, code = 'E_TRIAL'): TrialOutcome {
  // Failures thrown by the worker read "E_CODE: message"; keep the code apart.
  const match = /^(E_[A-Z_]+): (.*)$/s.exec(reason);
  return {
    trial,
    status: 'failed',
    runDir: null,
    error: match ? { code: match[1], message: match[2] } : { code, message: reason },
  };
}

function outcomeOf(job: Job, state: string, trial: string): TrialOutcome | null {
  if (state === 'completed') return job.returnvalue as TrialOutcome;
  if (state !== 'failed') return null;
  return failure(trial, job.failedReason ?? 'unknown error');
}

// The Redis client under each open queue, to read what BullMQ's reader cannot (see readJob).
const connections = new WeakMap<Queue, Redis>();

/** A job whose data is not JSON, as far as it can be read: BullMQ's own reader throws on it. */
interface UnreadableJob {
  unreadable: string;
  starts: number;
  failedReason: string | undefined;
}

/** A job by id, or what can be read of it when its data is corrupt (not JSON). */
async function readJob(
  queue: Queue,
  redis: Redis,
  jobId: string,
): Promise<Job | UnreadableJob | undefined> {
  try {
    return await Job.fromId(queue, jobId);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const [started, failedReason] = await redis.hmget(queue.toKey(jobId), 'ats', 'failedReason');
    return {
      unreadable: `the job's data is not JSON (${error.message})`,
      starts: Number(started ?? 0) || 0,
      failedReason: failedReason ?? undefined,
    };
  }
}

/**
 * Runs trials on other machines through a BullMQ queue on Redis: each task becomes a job whose
 * id is derived from the sweep and trial, so enqueueing again (a re-attached or restarted
 * coordinator) adds nothing twice. `ch worker` processes take the jobs. {@link QueueExecutor.run}
 * enqueues and then follows the jobs until each has ended; aborting stops following, not the
 * trials, which go on on the workers.
 */
export class QueueExecutor implements Executor {
  readonly #options: QueueExecutorOptions;
  readonly maxRetries: number;

  constructor(options: QueueExecutorOptions) {
    this.#options = options;
    this.maxRetries = checkMaxRetries(options.maxRetries ?? 2);
  }

  /**
   * Put tasks on the queue: a trial with no job gets one; a trial whose job ended (failed, or
   * completed without finishing its run) is queued again; a waiting or running one is left be.
   */
  async enqueue<Payload>(tasks: readonly TrialTask<Payload>[]): Promise<void> {
    await this.#withQueue(async (queue) => {
      for (const task of tasks) {
        const jobId = trialJobId(this.#options.sweep.id, task.name);
        const data: QueuedTrial<Payload> = {
          sweep: this.#options.sweep,
          task,
          requirements: this.#options.requirements ?? null,
          maxRetries: this.maxRetries,
        };
        const state = await queue.getJobState(jobId);
        if (state === 'completed' || state === 'failed') {
          const job = await readJob(queue, connections.get(queue)!, jobId);
          if (job instanceof Job) {
            await job.updateData(data);
            await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
            continue;
          }
          // A job whose data is not JSON cannot be updated: it is replaced by a sound one.
          await queue.remove(jobId);
        }
        // A job that exists in another state is kept as it is (BullMQ ignores a duplicate id).
        await queue.add(task.name, data, {
          jobId,
          attempts: this.maxRetries + 1,
          backoff: { type: 'fixed', delay: 1000 },
          removeOnComplete: false,
          removeOnFail: false,
        });
      }
    });
  }

  /** Where each named trial stands in the queue. */
  async status(trials: readonly string[]): Promise<QueuedTrialState[]> {
    return this.#withQueue((queue) =>
      Promise.all(trials.map((trial) => this.#state(queue, trial))),
    );
  }

  async run<Payload>(
    tasks: readonly TrialTask<Payload>[],
    options: ExecutorRunOptions = {},
  ): Promise<TrialOutcome[]> {
    await this.enqueue(tasks);
    return this.#withQueue((queue) => this.#follow(queue, tasks, options));
  }

  async #follow(
    queue: Queue,
    tasks: readonly TrialTask<unknown>[],
    options: ExecutorRunOptions,
  ): Promise<TrialOutcome[]> {
    const signal = options.signal;
    const onEvent = (event: ExecutorEvent) => options.onEvent?.(event);
    const outcomes: TrialOutcome[] = [];
    const open = new Map(tasks.map((task) => [task.name, { starts: 0, epoch: -1 }]));
    const slots = new Map<string, number>();
    const wait = (milliseconds: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, milliseconds);
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        signal?.addEventListener('abort', done);
      });
    while (open.size > 0 && !signal?.aborted) {
      const states = await Promise.all([...open.keys()].map((trial) => this.#state(queue, trial)));
      for (const state of states) {
        const seen = open.get(state.trial)!;
        if (state.starts > seen.starts && (state.state === 'active' || state.outcome)) {
          seen.starts = state.starts;
          seen.epoch = -1;
          // A trial's "worker" here is the order it started in: the queue does not say which host.
          if (!slots.has(state.trial)) slots.set(state.trial, slots.size);
          onEvent({ type: 'started', trial: state.trial, worker: slots.get(state.trial)! });
        }
        if (state.progress && state.progress.epoch > seen.epoch && !state.outcome) {
          seen.epoch = state.progress.epoch;
          onEvent({ type: 'progress', trial: state.trial, ...state.progress });
        }
        if (state.outcome) {
          open.delete(state.trial);
          outcomes.push(state.outcome);
          onEvent({ type: 'finished', ...state.outcome });
        }
      }
      if (open.size > 0)
        await wait(this.#options.pollMilliseconds ?? Math.max(1000, 2 * open.size));
    }
    return outcomes;
  }

  async #state(queue: Queue, trial: string): Promise<QueuedTrialState> {
    const jobId = trialJobId(this.#options.sweep.id, trial);
    const [job, state] = await Promise.all([
      readJob(queue, connections.get(queue)!, jobId),
      queue.getJobState(jobId),
    ]);
    if (!job) return { trial, state: 'unknown', starts: 0, progress: null, outcome: null };
    if ('unreadable' in job)
      return {
        trial,
        state,
        starts: job.starts,
        progress: null,
        // A worker fails such a job at once; until one does, it waits like any other.
        outcome:
          state === 'failed' || state === 'completed'
            ? failure(trial, job.failedReason ?? job.unreadable, 'E_JOB')
            : null,
      };
    const progress =
      typeof job.progress === 'object' && job.progress !== null && 'epoch' in job.progress
        ? (job.progress as unknown as TrialProgress)
        : null;
    return {
      trial,
      state,
      starts: job.attemptsStarted ?? 0,
      progress,
      outcome: outcomeOf(job, state, trial),
    };
  }

  async #withQueue<T>(use: (queue: Queue) => Promise<T>): Promise<T> {
    const connection: Redis = await connectRedis(this.#options.url);
    const queue = new Queue(QUEUE_NAME, { connection });
    connections.set(queue, connection);
    // Reconnection errors are handled by the client; without a listener they would be thrown.
    queue.on('error', () => undefined);
    try {
      return await use(queue);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }
}
