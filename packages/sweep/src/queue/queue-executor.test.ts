import { spawn } from 'node:child_process';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutorEvent, TrialOutcome } from '../executor.js';
import { checkQueueUrl, connectRedis, QUEUE_NAME } from './connection.js';
import { QueueExecutor } from './queue-executor.js';
import { QueueWorker } from './queue-worker.js';
import { startRedisServer, type RedisServer } from './redis-server.testing.js';

// Against a real redis-server started for this file, with real BullMQ workers in this process.
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
}, 30_000);
afterAll(() => redis?.stop());

// Each test starts with an empty queue.
beforeEach(async () => {
  const connection = await connectRedis(redis.url);
  const queue = new Queue(QUEUE_NAME, { connection });
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
});

const tasks = (names: string[]) => names.map((name) => ({ name, payload: { name } }));

async function jobCounts() {
  const connection = await connectRedis(redis.url);
  const queue = new Queue(QUEUE_NAME, { connection });
  try {
    return await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

describe('QueueExecutor with QueueWorker', () => {
  it('runs every trial once, reports start, progress and end, and enqueues nothing twice', async () => {
    const ran: string[] = [];
    const worker = new QueueWorker<{ name: string }>({
      url: redis.url,
      readPayload: (payload) => payload as { name: string },
      concurrency: 2,
      run: async (trial, { progress }) => {
        ran.push(trial.task.name);
        progress({ epoch: 0, epochs: 1, metrics: { loss: 1 } });
        await new Promise((resolve) => setTimeout(resolve, 1500));
        return {
          trial: trial.task.name,
          status: 'completed',
          runDir: `/runs/${trial.task.name}`,
          error: null,
        };
      },
    });
    const working = worker.start();
    const executor = new QueueExecutor({
      url: redis.url,
      sweep: { id: 'once', project: 'p' },
      pollMilliseconds: 100,
    });
    const events: ExecutorEvent[] = [];
    const outcomes = await executor.run(tasks(['a', 'b', 'c']), { onEvent: (e) => events.push(e) });
    expect(outcomes.map((outcome) => outcome.trial).sort()).toEqual(['a', 'b', 'c']);
    expect(outcomes.every((outcome) => outcome.status === 'completed')).toBe(true);
    expect(outcomes.find((outcome) => outcome.trial === 'b')?.runDir).toBe('/runs/b');
    expect(events.filter((event) => event.type === 'started')).toHaveLength(3);
    expect(events.filter((event) => event.type === 'progress').length).toBeGreaterThanOrEqual(1);
    expect(events.filter((event) => event.type === 'finished')).toHaveLength(3);

    const again = await executor.status(['a', 'b', 'c']);
    expect(again.map((state) => state.state)).toEqual(['completed', 'completed', 'completed']);
    await worker.stop();
    await working;
    expect(ran.sort()).toEqual(['a', 'b', 'c']);

    const waiting = new QueueExecutor({ url: redis.url, sweep: { id: 'twice', project: 'p' } });
    await waiting.enqueue(tasks(['x']));
    await waiting.enqueue(tasks(['x']));
    expect((await jobCounts()).waiting).toBe(1);
    expect((await waiting.status(['x', 'never']))[1].state).toBe('unknown');
  }, 60_000);

  it('retries a failing trial --max-retries times, then ends it failed with its error', async () => {
    let runs = 0;
    const worker = new QueueWorker({
      url: redis.url,
      readPayload: (payload) => payload,
      run: (trial): Promise<TrialOutcome> => {
        runs++;
        return Promise.resolve({
          trial: trial.task.name,
          status: 'failed',
          runDir: null,
          error: { code: 'E_DIVERGED', message: 'loss is NaN at step 3' },
        });
      },
    });
    const working = worker.start();
    const executor = new QueueExecutor({
      url: redis.url,
      sweep: { id: 'retry', project: 'p' },
      maxRetries: 1,
      pollMilliseconds: 100,
    });
    const [outcome] = await executor.run(tasks(['bad']));
    expect(outcome).toEqual({
      trial: 'bad',
      status: 'failed',
      runDir: null,
      error: { code: 'E_DIVERGED', message: 'loss is NaN at step 3' },
    });
    // Run once and retried once.
    await worker.stop();
    await working;
    expect(runs).toBe(2);
  }, 60_000);

  it('a worker that cannot run a trial puts it back untouched and stops with the reason', async () => {
    const executor = new QueueExecutor({ url: redis.url, sweep: { id: 'refused', project: 'p' } });
    await executor.enqueue(tasks(['t']));
    let ran = false;
    const worker = new QueueWorker({
      url: redis.url,
      readPayload: (payload) => payload,
      check: (trial) =>
        Promise.resolve(`plugin example-plugin is missing (needed by sweep ${trial.sweep.id})`),
      run: () => {
        ran = true;
        return Promise.resolve({ trial: 't', status: 'completed', runDir: null, error: null });
      },
    });
    await expect(worker.start()).rejects.toThrow(
      'plugin example-plugin is missing (needed by sweep refused)',
    );
    expect(ran).toBe(false);
    const [state] = await executor.status(['t']);
    expect(state.state).toBe('waiting');
    expect(state.outcome).toBeNull();
  }, 60_000);

  it("hands a lost worker's trial to another, at most --max-retries times, then fails it", async () => {
    const executor = new QueueExecutor({
      url: redis.url,
      sweep: { id: 'lost', project: 'p' },
      maxRetries: 1,
      pollMilliseconds: 100,
    });
    await executor.enqueue(tasks(['gone']));
    // Two workers lost with the trial (each SIGKILLed once it took it): one retry allowed.
    const fixture = new URL('../../fixtures/hanging-queue-worker.mjs', import.meta.url);
    for (let lost = 0; lost < 2; lost++) {
      const child = spawn(process.execPath, [fixture.pathname, redis.url, '1'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve) =>
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('took gone')) resolve();
        }),
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    const ran: string[] = [];
    const rescuer = new QueueWorker({
      url: redis.url,
      readPayload: (payload) => payload,
      stallSeconds: 1,
      run: (trial) => {
        ran.push(trial.task.name);
        return Promise.resolve({ trial: 'gone', status: 'completed', runDir: null, error: null });
      },
    });
    const working = rescuer.start();
    let state = (await executor.status(['gone']))[0];
    const deadline = Date.now() + 60_000;
    while (state.state !== 'failed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      state = (await executor.status(['gone']))[0];
    }
    await rescuer.stop();
    await working;
    expect(ran).toEqual([]);
    expect(state.outcome?.status).toBe('failed');
    expect(state.outcome?.error?.code).toBe('E_WORKER_LOST');
    expect(state.outcome?.error?.message).toMatch(
      /^run 3 times without an end \(its worker was lost 2 times\)/,
    );
  }, 120_000);

  it('says in one line when Redis cannot be reached or the URL is wrong', async () => {
    expect(() => checkQueueUrl('http://127.0.0.1:6379')).toThrow(/only redis:\/\/ and rediss:\/\//);
    expect(() => checkQueueUrl('redis://127.0.0.1:6379/zero')).toThrow(/must be a number/);
    await expect(connectRedis('redis://127.0.0.1:1/0', 3000)).rejects.toThrow(
      /^cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0.*start redis-server there or fix --queue$/,
    );
  }, 30_000);
});
