/**
 * The child-process side of the local executor. A worker module calls {@link serveTrials} with
 * its trial runner; the executor forks it, sends `init` once and then one trial at a time.
 * SIGINT (Ctrl-C in the terminal reaches the whole process group) aborts the running trial,
 * which saves its checkpoint and ends `interrupted`; the worker then exits.
 *
 * @packageDocumentation
 */
import {
  toTrialError,
  type FromWorker,
  type ToWorker,
  type TrialOutcome,
  type TrialProgress,
  type TrialTask,
} from './executor.js';

/** What a worker does: set up once, then run trials one after another. */
export interface TrialRunner<Init = unknown, Payload = unknown> {
  /** Load plugins, start the compute backend, ...; a throw here fails the whole sweep. */
  init?(init: Init): Promise<void>;
  /** Run one trial to its end; a throw makes it `failed`. */
  run(
    task: TrialTask<Payload>,
    context: { signal: AbortSignal; progress: (progress: TrialProgress) => void },
  ): Promise<{ status: string; runDir: string | null }>;
}

/**
 * Serve trials over the IPC channel of a process forked by the local executor. Returns at once;
 * the process lives until the executor sends `stop`, disconnects, or an interrupt ends a trial.
 */
export function serveTrials<Init, Payload>(runner: TrialRunner<Init, Payload>): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('serveTrials must run in a process forked with an IPC channel');
  const post = (message: FromWorker) => {
    if (process.connected) send(message);
  };
  let current: AbortController | undefined;
  let stopping = false;
  const stop = () => {
    stopping = true;
    if (current) current.abort();
    else process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // The sweep process is gone (killed, or ended): stop cleanly rather than train for nobody.
  process.on('disconnect', stop);

  let queue = Promise.resolve();
  process.on('message', (message: ToWorker) => {
    queue = queue.then(async () => {
      if (message.type === 'stop') {
        process.disconnect();
        return;
      }
      if (message.type === 'init') {
        try {
          await runner.init?.(message.init as Init);
          post({ type: 'ready' });
        } catch (error) {
          post({ type: 'init-failed', error: toTrialError(error) });
        }
        return;
      }
      const task = message.task as TrialTask<Payload>;
      current = new AbortController();
      let outcome: TrialOutcome;
      try {
        const result = await runner.run(task, {
          signal: current.signal,
          progress: (progress) => post({ type: 'progress', trial: task.name, ...progress }),
        });
        outcome = { trial: task.name, status: result.status, runDir: result.runDir, error: null };
      } catch (error) {
        outcome = {
          trial: task.name,
          status: current.signal.aborted ? 'interrupted' : 'failed',
          runDir: null,
          error: toTrialError(error),
        };
      }
      current = undefined;
      post({ type: 'result', outcome });
      if (stopping) process.exit(0);
    });
  });
}
