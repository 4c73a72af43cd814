import type { TrialTask } from '../executor.js';

/**
 * What a queued trial carries: the task as the local executor would get it, the sweep it belongs
 * to (a worker looks for `<project>/sweeps/<id>` in its project dir), what a worker needs to run
 * it (checked before it starts), and how often it may be retried.
 */
export interface QueuedTrial<Payload = unknown> {
  sweep: { id: string; project: string };
  task: TrialTask<Payload>;
  /** Opaque to the queue: plugins, model, data set, versions, as the coordinator states them. */
  requirements: unknown;
  /** Times a trial is run again after a failure or a lost worker before it is marked failed. */
  maxRetries: number;
}
