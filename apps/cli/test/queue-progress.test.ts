import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useJscProject } from './jsc-project.js';
import { pauseAt } from './pause.js';
import type { RedisServer } from './redis-server.js';
import { startCh } from './run-ch.js';

// What `ch sweep --queue` prints while it follows a trial that a ch worker runs.
let dir: string;
let env: NodeJS.ProcessEnv;
let redis: RedisServer;
useJscProject('machop-queue-progress-', 600, (ready) => ({ dir, env, redis } = ready), {
  redis: {},
});

const start = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  startCh(args, { cwd: dir, env: { ...env, ...extraEnv } });

describe('ch sweep --queue progress', () => {
  it("prints a finished trial's final metric from its run folder, not the last poll's", async () => {
    // The trial waits after epoch 2 of 3 until the coordinator has seen it running (and so read
    // its progress at epoch 2 or before); the finished line must then give epoch 3's value.
    const pause = pauseAt(dir, 'epoch:2');
    const worker = start(['worker', '--queue', redis.url], pause.env);
    const follow = start([
      'sweep',
      'jsc-tiny',
      'jsc',
      '--seeds',
      '0',
      '--max-epochs',
      '3',
      '--learning-rate',
      '0.01',
      '--no-test',
      '--metric',
      'val_loss_epoch',
      '--project',
      'final',
      '--queue',
      redis.url,
    ]);
    await pause.reached();
    const sweeps = path.join(dir, 'machop_output', 'final', 'sweeps');
    const deadline = Date.now() + 120_000;
    const running = async () => {
      const [id] = await readdir(sweeps);
      const record = JSON.parse(await readFile(path.join(sweeps, id, 'sweep.json'), 'utf8')) as {
        trials: { status: string }[];
      };
      return record.trials[0].status === 'running';
    };
    while (!(await running())) {
      if (Date.now() > deadline) throw new Error('the coordinator never saw the trial start');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Stopped (SIGSTOP) while the trial ends, the coordinator's next poll finds it completed:
    // no later progress reaches it, so only the run folder has the final value.
    follow.child.kill('SIGSTOP');
    await pause.release();
    while (!/^s0 completed$/m.test(worker.stderr())) {
      if (Date.now() > deadline) throw new Error(`the trial did not end: ${worker.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    follow.child.kill('SIGCONT');
    expect(await follow.exited).toBe(0);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);

    const metrics = await readFile(
      path.join(dir, 'machop_output', 'final', 's0', 'metrics.jsonl'),
      'utf8',
    );
    const losses = metrics
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { name: string; value: number })
      .filter((record) => record.name === 'val_loss_epoch')
      .map((record) => record.value);
    expect(losses).toHaveLength(3);
    const line = /^\[1\/1\] s0 completed {2}val_loss_epoch (\S+)$/m.exec(follow.stderr());
    expect(line, follow.stderr()).not.toBeNull();
    // As the line formats it (4 decimals); epochs 2 and 3 differ, so a stale value shows.
    expect(losses[1].toFixed(4)).not.toBe(losses[2].toFixed(4));
    expect(line![1]).toBe(losses[2].toFixed(4));
  }, 300_000);
});
