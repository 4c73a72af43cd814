import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ConfigError, MachopError } from '@machop/core/base';
import type {
  Executor,
  ExecutorRunOptions,
  FromWorker,
  ToWorker,
  TrialOutcome,
  TrialTask,
} from './executor.js';

/** How a {@link LocalExecutor} starts its workers. */
export interface LocalExecutorOptions {
  /** The worker module to fork: a file that calls `serveTrials` from `@machop/sweep/worker`. */
  module: string | URL;
  /** Worker processes at once. Default: the number of cores. */
  workers?: number;
  /** Sent to every worker's `init` (plugins to load, backend, ...). */
  init?: unknown;
  /** Environment of the workers. Default this process's. */
  env?: NodeJS.ProcessEnv;
}

/** Whether a value is a usable worker count: a whole number from 1 up. */
export function checkWorkers(workers: number): number {
  if (!Number.isInteger(workers) || workers < 1)
    throw new ConfigError(
      `--workers must be a whole number from 1 up, got ${JSON.stringify(workers)}`,
    );
  return workers;
}

/** A worker's messages, and its end as one more message. */
type Received = FromWorker | { type: 'exit'; reason: string };

interface Worker {
  child: ChildProcess;
  /** Where the next message from the worker goes, when someone waits for one. */
  next?: (message: Received) => void;
  /** Messages nobody waited for yet. */
  pending: Received[];
  stderr: string;
  busy: boolean;
}

/**
 * Runs trials in worker processes on this machine (`child_process.fork` of a worker module),
 * `workers` at a time. Each worker is set up once (so it can keep a loaded data set between
 * trials) and runs one trial at a time. A worker that dies mid-trial fails that trial with its
 * exit status and last stderr line; a fresh worker takes the next. Aborting sends SIGINT to busy
 * workers, which end their trials `interrupted` after saving a checkpoint.
 */
export class LocalExecutor implements Executor {
  readonly workers: number;
  readonly #options: LocalExecutorOptions;

  constructor(options: LocalExecutorOptions) {
    this.workers = checkWorkers(options.workers ?? availableParallelism());
    this.#options = options;
  }

  async run<Payload>(
    tasks: readonly TrialTask<Payload>[],
    options: ExecutorRunOptions = {},
  ): Promise<TrialOutcome[]> {
    const queue = [...tasks];
    const outcomes: TrialOutcome[] = [];
    const live = new Set<Worker>();
    const signal = options.signal;
    const onAbort = () => {
      for (const worker of live)
        if (worker.busy) worker.child.kill('SIGINT');
        else worker.child.kill('SIGTERM');
    };
    signal?.addEventListener('abort', onAbort);
    let initFailure: MachopError | undefined;

    const slot = async (index: number) => {
      let worker: Worker | undefined;
      while (queue.length > 0 && !signal?.aborted && !initFailure) {
        if (!worker) {
          worker = this.#spawn(live);
          const reply = await this.#exchange(worker, { type: 'init', init: this.#options.init });
          if (reply.type === 'init-failed' || reply.type === 'exit') {
            const reason = reply.type === 'exit' ? reply.reason : reply.error.message;
            // A worker stopped by Ctrl-C while starting has not failed.
            if (!signal?.aborted)
              initFailure ??= new MachopError(
                reply.type === 'exit' ? 'E_WORKER' : reply.error.code,
                `a sweep worker could not start: ${reason}`,
              );
            break;
          }
        }
        // Other workers may have taken the last trials while this one started.
        const task = signal?.aborted ? undefined : queue.shift();
        if (!task) break;
        const running: Worker = worker;
        running.busy = true;
        options.onEvent?.({ type: 'started', trial: task.name, worker: index });
        let outcome: TrialOutcome | undefined;
        running.child.send({ type: 'run', task } satisfies ToWorker);
        while (!outcome) {
          const reply = await this.#receive(running);
          if (reply.type === 'progress') options.onEvent?.(reply);
          else if (reply.type === 'result') outcome = reply.outcome;
          else if (reply.type === 'exit') {
            outcome = {
              trial: task.name,
              status: signal?.aborted ? 'interrupted' : 'failed',
              runDir: null,
              error: { code: 'E_WORKER', message: reply.reason },
            };
            worker = undefined;
          }
        }
        running.busy = false;
        outcomes.push(outcome);
        options.onEvent?.({ type: 'finished', ...outcome });
      }
      if (worker) await this.#stop(worker);
    };
    try {
      const count = Math.max(1, Math.min(this.workers, tasks.length));
      if (tasks.length > 0) await Promise.all(Array.from({ length: count }, (_, i) => slot(i)));
    } finally {
      signal?.removeEventListener('abort', onAbort);
      for (const worker of live) worker.child.kill('SIGKILL');
    }
    if (initFailure) throw initFailure;
    return outcomes;
  }

  #spawn(live: Set<Worker>): Worker {
    const module = this.#options.module;
    const child = fork(module instanceof URL ? fileURLToPath(module) : module, [], {
      env: this.#options.env ?? process.env,
      // Workers print nothing useful on stdout (which carries the sweep's data); stderr is kept
      // to explain a worker that dies.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const worker: Worker = { child, stderr: '', busy: false, pending: [] };
    live.add(worker);
    const deliver = (message: Received) => {
      const next = worker.next;
      if (next) {
        worker.next = undefined;
        next(message);
      } else worker.pending.push(message);
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      worker.stderr = (worker.stderr + chunk.toString()).slice(-4000);
    });
    child.on('message', (message: FromWorker) => deliver(message));
    child.on('exit', (code, exitSignal) => {
      live.delete(worker);
      const lastLine = worker.stderr.trim().split('\n').filter(Boolean).pop();
      deliver({
        type: 'exit',
        reason: `worker process ${child.pid} ended (${exitSignal ?? `exit code ${code}`})${lastLine ? `: ${lastLine}` : ''}`,
      });
    });
    return worker;
  }

  #receive(worker: Worker): Promise<Received> {
    if (worker.pending.length > 0) return Promise.resolve(worker.pending.shift()!);
    return new Promise((resolve) => (worker.next = resolve));
  }

  #exchange(worker: Worker, message: ToWorker): Promise<Received> {
    if (worker.child.connected) worker.child.send(message);
    return this.#receive(worker);
  }

  async #stop(worker: Worker): Promise<void> {
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => worker.child.once('exit', () => resolve()));
    if (worker.child.connected) worker.child.send({ type: 'stop' } satisfies ToWorker);
    else worker.child.kill('SIGTERM');
    await exited;
  }
}
