import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A point where `ch`'s training loop waits (the trainer's MACHOP_TEST_PAUSE_AT hook, for tests
 * only), so a test kills or signals a run at a known place instead of racing the machine.
 */
export interface Pause {
  /** Give these to the process that should pause (its trial processes inherit them). */
  env: NodeJS.ProcessEnv;
  /** Resolves once `processes` runs have reached the point and wait there. */
  reached(processes?: number): Promise<void>;
  /** Let the waiting runs go on. */
  release(): Promise<void>;
}

let made = 0;

/** A pause at `point` (`step:N`: after N optimizer steps; `epoch:N`: after epoch N's checkpoint). */
export function pauseAt(dir: string, point: string): Pause {
  const file = path.join(dir, `pause-${process.pid}-${made++}`);
  return {
    env: { MACHOP_TEST_PAUSE_AT: point, MACHOP_TEST_PAUSE_FILE: file },
    async reached(processes = 1) {
      const deadline = Date.now() + 240_000;
      const count = async () =>
        existsSync(`${file}.reached`)
          ? (await readFile(`${file}.reached`, 'utf8')).split('\n').filter(Boolean).length
          : 0;
      while ((await count()) < processes) {
        if (Date.now() > deadline) throw new Error(`no run reached ${point} in 240 s`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    release: () => writeFile(file, ''),
  };
}
