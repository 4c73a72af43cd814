import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useJscProject } from './jsc-project.js';
import type { RedisServer } from './redis-server.js';
import { runCh, startCh, until } from './run-ch.js';

// Jobs written into the queue's Redis by someone other than ch sweep: a payload whose run id
// climbs out of the project dir, data that is not JSON, an empty object. A real redis-server
// (with a password, as a shared queue should have) and real ch worker processes.
let dir: string;
let env: NodeJS.ProcessEnv;
let redis: RedisServer;
useJscProject('machop-queue-jobs-', 600, (ready) => ({ dir, env, redis } = ready), {
  redis: { password: 'queue-secret' },
});

const STORE = path.join('store', 'machop_output');

/** Rewrite queued jobs as an attacker with write access to Redis could. */
async function tamper(edit: (queue: Queue, redis: Redis) => Promise<void>): Promise<void> {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue('machop-trials', { connection });
  try {
    await edit(queue, connection);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

describe('ch worker given jobs ch sweep did not make', () => {
  it('fails each with one line, deletes nothing outside the project dir, and runs the sound ones', async () => {
    // What the traversal aims at: a folder beside the project dir, with a user's notes in it.
    const victim = path.join(dir, 'victim');
    await mkdir(victim);
    await writeFile(path.join(victim, 'notes.txt'), 'keep me');

    const enqueued = await runCh(
      [
        'sweep',
        'jsc-tiny',
        'jsc',
        '--seeds',
        '0,1,2,3',
        '--max-epochs',
        '1',
        '--project',
        'p',
        '--project-dir',
        STORE,
        '--queue',
        redis.url,
        '--detach',
      ],
      { cwd: dir, env },
    );
    expect(enqueued.stderr).not.toMatch(/^error/m);
    expect(enqueued.code).toBe(0);
    // The password never reaches the terminal.
    expect(enqueued.stderr).not.toContain('queue-secret');
    expect(enqueued.stderr).toContain('redis://:***@127.0.0.1');
    const [id] = await readdir(path.join(dir, STORE, 'p', 'sweeps'));

    await tamper(async (queue, connection) => {
      const s1 = await queue.getJob(`${id}.s1`);
      await s1!.updateData({
        ...s1!.data,
        task: { ...s1!.data.task, payload: { ...s1!.data.task.payload, runId: '../../../victim' } },
      });
      await connection.hset(queue.toKey(`${id}.s2`), 'data', 'not json {');
      await connection.hset(queue.toKey(`${id}.s3`), 'data', '{}');
    });
    const status = (args: string[] = []) =>
      runCh(['sweep', '--status', id, '--queue', redis.url, '--project-dir', STORE, ...args], {
        cwd: dir,
        env,
      });
    // A job that cannot be read is shown waiting, not as a crash.
    const before = await status();
    expect(before.stderr).toBe('');
    expect(before.code).toBe(0);
    expect(before.stdout).toContain(`sweep: ${id}: 4 trials: 4 waiting`);

    const worker = startCh(['worker', '--queue', redis.url, '--project-dir', STORE], {
      cwd: dir,
      env,
    });
    await until(() => {
      const log = worker.stderr();
      if (worker.child.exitCode !== null) throw new Error(`worker: ${log}`);
      return /^s0 completed$/m.test(log) && (log.match(/^rejected job /gm) ?? []).length === 3;
    }, 'the worker to finish s0 and reject 3 jobs');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    const log = worker.stderr();

    expect(await readFile(path.join(victim, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(path.join(dir, STORE, 'victim'))).toBe(false);
    expect(log).not.toContain('bug');
    expect(log).not.toContain('queue-secret');
    const rejected = log.split('\n').filter((line) => line.startsWith('rejected job '));
    const rule =
      'a folder name of letters, digits, ".", "_" and "-" that starts with a letter or digit';
    const fate = '; failed without a retry (only ch sweep --queue makes valid jobs)';
    expect(rejected.sort()).toEqual([
      `rejected job ${id}.s1: task.payload: runId must be ${rule}, got "../../../victim"${fate}`,
      expect.stringMatching(
        /^rejected job \S+\.s2: the job's data is not JSON \(.+\); failed without a retry/,
      ),
      `rejected job ${id}.s3: sweep must be an object, got nothing${fate}`,
    ]);
    expect(log).not.toMatch(/^took s[123] /m);

    const after = await status();
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(`sweep: ${id}: 4 trials: 1 completed, 3 failed`);
    expect(after.stdout).toMatch(/^ {2}s2: failed: the job's data is not JSON/m);

    // The coordinator enqueues the failed trials again with its own, sound data.
    const again = await runCh(
      ['sweep', '--resume', id, '--queue', redis.url, '--project-dir', STORE, '--detach'],
      { cwd: dir, env },
    );
    expect(again.stderr).not.toMatch(/^error/m);
    expect(again.code).toBe(0);
    expect((await status()).stdout).toContain(`sweep: ${id}: 4 trials: 1 completed, 3 waiting`);
  }, 600_000);

  it('refuses a database the server does not have, in one line', async () => {
    const url = redis.url.replace(/\/0$/, '/99');
    const result = await runCh(['worker', '--queue', url], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: --queue redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/99: Redis has no database 99 \(it has 16: 0 to 15\); give one it has, such as \/0\n$/,
    );
  });
});
