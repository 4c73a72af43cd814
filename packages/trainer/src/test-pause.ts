/**
 * FOR TESTS ONLY: a named point where the training loop waits, so an end-to-end test can kill or
 * signal a run at a known place instead of racing the machine's speed.
 *
 *     MACHOP_TEST_PAUSE_AT=step:1    after the first optimizer step (before any checkpoint)
 *     MACHOP_TEST_PAUSE_AT=epoch:2   after epoch 2 ended and its checkpoints were written
 *     MACHOP_TEST_PAUSE_FILE=/tmp/x  the file the run waits for
 *
 * On reaching the point, the run appends its pid to `<file>.reached` (one line per process, so a
 * test can wait for several), then waits until `<file>` exists or the run is aborted (SIGTERM,
 * Ctrl-C), and goes on. Unset, the variables cost one lookup when the loop starts.
 */
import { appendFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';

/** Where a run may pause for a test. */
export type PausePoint = 'step' | 'epoch';

/** The loop's side of the hook: `at` resolves at once except at the chosen point. */
export interface TestPause {
  at(point: PausePoint, count: number, signal: AbortSignal | undefined): Promise<void>;
}

/** The pause the environment asks for, or undefined (the normal case). */
export function testPause(env: NodeJS.ProcessEnv = process.env): TestPause | undefined {
  const at = env.MACHOP_TEST_PAUSE_AT;
  const file = env.MACHOP_TEST_PAUSE_FILE;
  if (!at || !file) return undefined;
  const match = /^(step|epoch):(\d+)$/.exec(at);
  if (!match)
    throw new Error(`MACHOP_TEST_PAUSE_AT must be step:N or epoch:N, got ${JSON.stringify(at)}`);
  const point = match[1] as PausePoint;
  const count = Number(match[2]);
  return {
    async at(reached, done, signal) {
      if (reached !== point || done !== count) return;
      await appendFile(`${file}.reached`, `${process.pid}\n`);
      while (!existsSync(file) && !signal?.aborted)
        await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
}
