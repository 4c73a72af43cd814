import { Queue } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectRedis, QUEUE_NAME, trialJobId } from './connection.js';
import { QueueJobError, readQueuedTrial } from './job.js';
import { QueueExecutor } from './queue-executor.js';
import { QueueWorker, type QueueWorkerEvent } from './queue-worker.js';
import { startRedisServer, type RedisServer } from './redis-server.testing.js';

// Jobs a worker must not act on, written straight into a real redis-server as anyone who can
// write to it could: tampered fields, data that is not JSON, an empty object.
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
}, 30_000);
afterAll(() => redis?.stop());

beforeEach(async () => {
  const connection = await connectRedis(redis.url);
  const queue = new Queue(QUEUE_NAME, { connection });
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
});

const valid = (name: string) => ({
  sweep: { id: 'bad-jobs', project: 'p' },
  task: { name, payload: { name } },
  requirements: null,
  maxRetries: 2,
});

/** Add jobs as the coordinator would (3 attempts each), then let `tamper` rewrite them raw. */
async function enqueue(
  jobs: { name: string; data: unknown }[],
  tamper: (set: (name: string, raw: string) => Promise<unknown>) => Promise<void> = () =>
    Promise.resolve(),
): Promise<void> {
  const connection = await connectRedis(redis.url);
  const queue = new Queue(QUEUE_NAME, { connection });
  try {
    for (const { name, data } of jobs)
      await queue.add(name, data, {
        jobId: trialJobId('bad-jobs', name),
        attempts: 3,
        removeOnComplete: false,
        removeOnFail: false,
      });
    await tamper((name, raw) =>
      connection.hset(queue.toKey(trialJobId('bad-jobs', name)), 'data', raw),
    );
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** Run a worker until the named trials have ended; what it ran and reported. */
async function work(names: string[]) {
  const ran: string[] = [];
  const events: QueueWorkerEvent[] = [];
  const worker = new QueueWorker<{ name: string }>({
    url: redis.url,
    readPayload: (payload) => {
      if (typeof (payload as { name?: unknown })?.name !== 'string')
        throw new QueueJobError(`name must be a string`);
      return payload as { name: string };
    },
    run: (trial) => {
      ran.push(trial.task.name);
      return Promise.resolve({
        trial: trial.task.name,
        status: 'completed',
        runDir: null,
        error: null,
      });
    },
    onEvent: (event) => events.push(event),
  });
  const working = worker.start();
  const executor = new QueueExecutor({
    url: redis.url,
    sweep: { id: 'bad-jobs', project: 'p' },
    pollMilliseconds: 50,
  });
  let states = await executor.status(names);
  const deadline = Date.now() + 30_000;
  while (!states.every((state) => state.outcome) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    states = await executor.status(names);
  }
  await worker.stop();
  await working;
  return { ran, events, states };
}

describe('a QueueWorker given a job that is not a valid trial', () => {
  it('fails a job whose names leave the project dir at once, never retried, and runs the rest', async () => {
    const tampered = (field: (data: ReturnType<typeof valid>) => void) => {
      const data = valid('x');
      field(data);
      return data;
    };
    await enqueue([
      { name: 'up', data: tampered((data) => (data.sweep.project = '../../../victim')) },
      { name: 'slash', data: tampered((data) => (data.task.name = 'a/../../b')) },
      { name: 'id', data: tampered((data) => (data.sweep.id = '..')) },
      { name: 'retries', data: tampered((data) => (data.maxRetries = 1e9)) },
      { name: 'payload', data: tampered((data) => (data.task.payload = 7 as never)) },
      { name: 'good', data: valid('good') },
    ]);
    const names = ['up', 'slash', 'id', 'retries', 'payload', 'good'];
    const { ran, events, states } = await work(names);
    expect(ran).toEqual(['good']);
    const byName = Object.fromEntries(states.map((state) => [state.trial, state]));
    expect(byName.good.state).toBe('completed');
    for (const name of names.slice(0, -1)) {
      expect(byName[name].state).toBe('failed');
      expect(byName[name].outcome?.error?.code).toBe('E_JOB');
      // Started once: an invalid job is not retried, though it allows 3 attempts.
      expect(byName[name].starts).toBe(1);
    }
    expect(byName.up.outcome?.error?.message).toBe(
      'sweep.project must be a folder name of letters, digits, ".", "_" and "-" that starts with a letter or digit, got "../../../victim"; failed without a retry (only ch sweep --queue makes valid jobs)',
    );
    expect(byName.retries.outcome?.error?.message).toMatch(
      /^maxRetries must be a whole number from 0 to 1000, got 1000000000;/,
    );
    expect(byName.payload.outcome?.error?.message).toMatch(
      /^task\.payload: name must be a string;/,
    );
    const rejected = events.filter((event) => event.type === 'rejected');
    expect(rejected.map((event) => event.type === 'rejected' && event.job).sort()).toEqual([
      'bad-jobs.id',
      'bad-jobs.payload',
      'bad-jobs.retries',
      'bad-jobs.slash',
      'bad-jobs.up',
    ]);
    expect(events.some((event) => event.type === 'took' && event.trial !== 'good')).toBe(false);
  }, 60_000);

  it('fails a job whose data is not JSON or an empty object, and the status reads it', async () => {
    await enqueue(
      [
        { name: 'garbled', data: valid('garbled') },
        { name: 'empty', data: valid('empty') },
        { name: 'good', data: valid('good') },
      ],
      async (set) => {
        await set('garbled', 'not json {');
        await set('empty', '{}');
      },
    );
    const { ran, states } = await work(['garbled', 'empty', 'good']);
    expect(ran).toEqual(['good']);
    const [garbled, empty, good] = states;
    expect(good.state).toBe('completed');
    expect(garbled).toMatchObject({ state: 'failed', starts: 1 });
    expect(garbled.outcome?.error?.code).toBe('E_JOB');
    expect(garbled.outcome?.error?.message).toMatch(/^the job's data is not JSON \(.+\); failed/);
    expect(empty).toMatchObject({ state: 'failed', starts: 1 });
    expect(empty.outcome?.error?.message).toMatch(/^sweep must be an object, got nothing;/);
  }, 60_000);
});

describe('readQueuedTrial', () => {
  it('returns a valid trial with its payload checked', () => {
    expect(readQueuedTrial(valid('a'), (payload) => payload)).toEqual(valid('a'));
  });

  it('names the first field that is wrong', () => {
    expect(() => readQueuedTrial('text', (payload) => payload)).toThrow(
      /^the job's data is "text", not an object$/,
    );
    expect(() =>
      readQueuedTrial({ ...valid('a'), requirements: 'all' }, (payload) => payload),
    ).toThrow(/^requirements must be an object, got "all"$/);
  });
});
