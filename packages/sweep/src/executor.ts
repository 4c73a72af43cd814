/**
 * What an executor is given for one trial. `name` identifies it; `payload` is what the worker's
 * trial runner needs (for `ch sweep`: the trial's `ch train` words and its run folder), passed
 * through as JSON, so an executor never needs to know how a trial trains.
 */
export interface TrialTask<Payload = unknown> {
  name: string;
  payload: Payload;
}

/** A trial error as it crosses processes: the typed error's code and its one-line message. */
export interface TrialError {
  code: string;
  message: string;
}

/** How a trial ended: a run status (`completed`, `interrupted`, ...) or `failed` with its error. */
export interface TrialOutcome {
  trial: string;
  status: string;
  runDir: string | null;
  error: TrialError | null;
}

/** What a running trial reports: an epoch done, with its metrics. */
export interface TrialProgress {
  epoch: number;
  epochs: number;
  metrics: Record<string, number>;
}

/** Events an executor reports while it runs trials. */
export type ExecutorEvent =
  | { type: 'started'; trial: string; worker: number }
  | ({ type: 'progress'; trial: string } & TrialProgress)
  | ({ type: 'finished' } & TrialOutcome);

/** How {@link Executor.run} is asked to run. */
export interface ExecutorRunOptions {
  /** Aborting stops the trials that run (they save a checkpoint and end `interrupted`) and starts no more. */
  signal?: AbortSignal;
  onEvent?(event: ExecutorEvent): void;
}

/**
 * Runs a sweep's trials somewhere: local child processes first, a job queue on other machines
 * later. It reports each trial's start, progress and end, and resolves with the outcome of every
 * trial that ended (trials never started because of an abort are left out). A failing trial is
 * an outcome with status `failed`, never a rejection: the others go on.
 */
export interface Executor {
  run<Payload>(
    tasks: readonly TrialTask<Payload>[],
    options?: ExecutorRunOptions,
  ): Promise<TrialOutcome[]>;
}

/** Messages from the sweep process to a worker. */
export type ToWorker =
  { type: 'init'; init: unknown } | { type: 'run'; task: TrialTask } | { type: 'stop' };

/** Messages from a worker to the sweep process. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'init-failed'; error: TrialError }
  | ({ type: 'progress'; trial: string } & TrialProgress)
  | { type: 'result'; outcome: TrialOutcome };

/** A thrown value as a {@link TrialError}: a typed error keeps its code. */
export function toTrialError(error: unknown): TrialError {
  const code =
    typeof (error as { code?: unknown })?.code === 'string'
      ? (error as { code: string }).code
      : 'E_TRIAL';
  const message = error instanceof Error ? error.message : String(error);
  return { code, message: message.split('\n')[0] };
}
