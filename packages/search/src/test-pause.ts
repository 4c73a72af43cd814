/**
 * FOR TESTS ONLY: a point where a search waits after a trial, so an end-to-end test can kill it
 * at a known place instead of racing the machine. The same variables as the trainer's
 * (`@machop/trainer`'s test-pause), with the point `trial:N`: after trial N (counted from 1) was
 * saved in the study's state.
 *
 *     MACHOP_TEST_PAUSE_AT=trial:3   MACHOP_TEST_PAUSE_FILE=/tmp/x
 *
 * On reaching it, the search appends its pid to `<file>.reached`, then waits until `<file>`
 * exists or the search is aborted. Kept here rather than shared with the trainer so that a
 * search never loads the trainer (and tfjs).
 */
import { existsSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';

/** Waits at trial `done` when the environment asks for it; otherwise resolves at once. */
export async function pauseAfterTrial(
  done: number,
  signal: AbortSignal | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const at = env.MACHOP_TEST_PAUSE_AT;
  const file = env.MACHOP_TEST_PAUSE_FILE;
  if (!at || !file || at !== `trial:${done}`) return;
  await appendFile(`${file}.reached`, `${process.pid}\n`);
  while (!existsSync(file) && !signal?.aborted)
    await new Promise((resolve) => setTimeout(resolve, 20));
}
