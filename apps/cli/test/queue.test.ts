import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { count, metricsWithoutTime, useJscProject } from './jsc-project.js';
import { pauseAt } from './pause.js';
import type { RedisServer } from './redis-server.js';
import { runCh, startCh, until, type StartedCh } from './run-ch.js';

// End to end: `ch sweep --queue` and `ch worker` processes on a real redis-server (append-only,
// so a restart keeps the queue), training on JSC-shaped data from a loopback OpenML server.
// A killed worker's trial moves on within seconds: the workers of that test have a short stall timeout.
let dir: string;
let env: NodeJS.ProcessEnv;
let redis: RedisServer;
useJscProject('machop-queue-', 2000, (ready) => ({ dir, env, redis } = ready), { redis: {} });

const started: StartedCh[] = [];
afterEach(async () => {
  // A failed test leaves no worker behind (each leads its own process group, children included).
  for (const process_ of started.splice(0))
    if (process_.child.exitCode === null && process_.child.signalCode === null) {
      try {
        process.kill(-process_.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await process_.exited;
    }
});

function start(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): StartedCh {
  // Its own process group, so a test can kill it with its trial processes as a lost machine.
  const result = startCh(args, { cwd: dir, env: { ...env, ...extraEnv }, detached: true });
  started.push(result);
  return result;
}

/**
 * A `ch worker`. Its stall timeout is long enough that a busy worker on a loaded machine keeps its
 * trials; a test of a lost worker gives a short one with {@link quickWorker}.
 */
const worker = (extra: string[] = [], extraEnv: NodeJS.ProcessEnv = {}) =>
  start(['worker', '--queue', redis.url, '--stall-timeout', '20', ...extra], extraEnv);
/** A worker whose lost trial another takes over within seconds (a 2 s stall timeout). */
const quickWorker = (extraEnv: NodeJS.ProcessEnv = {}) =>
  start(['worker', '--queue', redis.url, '--stall-timeout', '2'], extraEnv);

/** Trial names a worker's log says it took, once per start. */
const took = (log: string) => [...log.matchAll(/^took (\S+) /gm)].map((match) => match[1]);

const json = async (file: string) => JSON.parse(await readFile(file, 'utf8'));

async function sweepOf(name: string) {
  const sweeps = path.join(dir, 'machop_output', name, 'sweeps');
  const [id] = await readdir(sweeps);
  return { id, record: await json(path.join(sweeps, id, 'sweep.json')) };
}

const FAST = ['--log-every-n-steps', '5', '--learning-rate', '0.01'];

describe('ch sweep --queue with ch worker', () => {
  it('runs a 6-trial sweep on two workers, every trial exactly once; --detach, --status and --resume re-attach', async () => {
    const sweepArgs = [
      'sweep',
      'jsc-tiny',
      'jsc',
      '--grid',
      'batch-size=128,256,512',
      '--seeds',
      '0,1',
      '--max-epochs',
      '2',
      ...FAST,
      '--project',
      'six',
      '--queue',
      redis.url,
    ];
    // Enqueued with nobody working yet: the coordinator returns at once with the sweep id.
    const detached = await runCh([...sweepArgs, '--detach'], { cwd: dir, env });
    expect(detached.stderr).not.toMatch(/^error/m);
    expect(detached.code).toBe(0);
    const { id } = await sweepOf('six');
    expect(detached.stdout.trim()).toBe(`sweep: ${id}`);
    const waiting = await runCh(['sweep', '--status', id, '--queue', redis.url], { cwd: dir, env });
    expect(waiting.code).toBe(0);
    expect(waiting.stdout).toContain(`sweep: ${id}: 6 trials: 6 waiting`);
    // The same command again adds nothing to the queue.
    expect((await runCh([...sweepArgs, '--detach'], { cwd: dir, env })).code).toBe(0);

    const first = worker();
    const second = worker();
    const follow = await runCh(['sweep', '--resume', id, '--queue', redis.url], {
      cwd: dir,
      env,
      timeoutMs: 600_000,
    });
    expect(follow.stderr).not.toMatch(/^error/m);
    expect(follow.code).toBe(0);
    // A line for each trial that ended while the coordinator followed (the workers may finish
    // some before it attaches); never one twice.
    const ended = follow.stderr.match(/^\[\d+\/6\] \S+ completed/gm) ?? [];
    expect(ended.length).toBeLessThanOrEqual(6);
    expect(new Set(ended.map((line) => line.split(' ')[1])).size).toBe(ended.length);
    expect(follow.stdout).toContain(`sweep: ${id}`);

    // Each trial was taken once, by one of the two workers, and both worked.
    const byFirst = took(first.stderr());
    const bySecond = took(second.stderr());
    expect([...byFirst, ...bySecond].sort()).toEqual([
      'bs128_s0',
      'bs128_s1',
      'bs256_s0',
      'bs256_s1',
      'bs512_s0',
      'bs512_s1',
    ]);
    expect(byFirst.length).toBeGreaterThan(0);
    expect(bySecond.length).toBeGreaterThan(0);
    const { record } = await sweepOf('six');
    expect(record.trials.every((trial: { status: string }) => trial.status === 'completed')).toBe(
      true,
    );
    expect(record.table.rows).toHaveLength(3);
    for (const trial of record.trials) {
      const runDir = path.join(dir, 'machop_output', 'six', trial.name);
      expect(await count(path.join(runDir, 'metrics.jsonl'), '"val_acc_epoch"')).toBe(2);
      expect((await json(path.join(runDir, 'config.json'))).sweep).toMatchObject({
        id,
        trial: trial.name,
      });
    }
    const done = await runCh(['sweep', '--status', id, '--queue', redis.url], { cwd: dir, env });
    expect(done.stdout).toContain(`sweep: ${id}: 6 trials: 6 completed`);

    first.child.kill('SIGTERM');
    second.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(await second.exited).toBe(0);
    expect(first.stderr()).toMatch(/^worker stopped$/m);
  }, 900_000);

  it("hands a SIGKILLed worker's trial to another, which resumes it to an uninterrupted run's metrics", async () => {
    const trial = ['--batch-size', '16', '--learning-rate', '0.003', '--max-epochs', '4'];
    // The lost worker's trial waits after its first epoch's checkpoint, where it is killed.
    const pause = pauseAt(dir, 'epoch:1');
    const lost = quickWorker(pause.env);
    const follow = start([
      'sweep',
      'jsc-s',
      'jsc',
      '--seeds',
      '7',
      ...trial,
      '--project',
      'lost',
      '--queue',
      redis.url,
    ]);
    const runDir = path.join(dir, 'machop_output', 'lost', 's7');
    // Killed (with its trial process, as a lost machine) once an epoch is checkpointed.
    await pause.reached();
    expect(took(lost.stderr())).toEqual(['s7']);
    process.kill(-lost.child.pid!, 'SIGKILL');
    await lost.exited;
    expect(existsSync(path.join(runDir, 'run.lock'))).toBe(true);

    const rescuer = quickWorker();
    expect(await follow.exited).toBe(0);
    expect(follow.stderr()).toMatch(/^\[1\/1\] s7 completed/m);
    // The second worker took it as its second start, and resumed the run from its checkpoint.
    expect(rescuer.stderr()).toMatch(/^took s7 \(sweep \S+, start 2\)$/m);
    expect((await json(path.join(runDir, 'summary.json'))).status).toBe('completed');

    const solo = await runCh(
      ['train', 'jsc-s', 'jsc', '--seed', '7', ...trial, '--project', 'lost-solo', '--quiet'],
      { cwd: dir, env },
    );
    expect(solo.code).toBe(0);
    const soloRoot = path.join(dir, 'machop_output', 'lost-solo');
    const [soloRun] = await readdir(soloRoot);
    expect(await metricsWithoutTime(runDir)).toEqual(
      await metricsWithoutTime(path.join(soloRoot, soloRun)),
    );
    rescuer.child.kill('SIGTERM');
    expect(await rescuer.exited).toBe(0);
  }, 900_000);

  it('a worker stopped with SIGTERM mid-trial puts the trial back, and another resumes it', async () => {
    // Its trial waits after the first epoch, where the worker is stopped.
    const pause = pauseAt(dir, 'epoch:1');
    const stopping = worker([], pause.env);
    const follow = start([
      'sweep',
      'jsc-s',
      'jsc',
      '--seeds',
      '3',
      '--batch-size',
      '16',
      '--learning-rate',
      '0.003',
      '--max-epochs',
      '6',
      '--project',
      'stopped',
      '--queue',
      redis.url,
    ]);
    const runDir = path.join(dir, 'machop_output', 'stopped', 's3');
    await pause.reached();
    stopping.child.kill('SIGTERM');
    expect(await stopping.exited).toBe(0);
    expect(stopping.stderr()).toMatch(/^put s3 back on the queue: this worker is stopping$/m);
    expect((await json(path.join(runDir, 'summary.json'))).status).toBe('interrupted');
    expect(existsSync(path.join(runDir, 'run.lock'))).toBe(false);

    const next = worker();
    expect(await follow.exited).toBe(0);
    expect(took(next.stderr())).toEqual(['s3']);
    expect((await json(path.join(runDir, 'summary.json'))).status).toBe('completed');
    expect(await count(path.join(runDir, 'metrics.jsonl'), '"val_loss_epoch"')).toBe(6);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  }, 900_000);

  it('goes on through a Redis restart: no trial lost, none run twice to completion', async () => {
    // Two trials wait after their first epoch while Redis restarts, then go on.
    const pause = pauseAt(dir, 'epoch:1');
    const first = worker([], pause.env);
    const second = worker([], pause.env);
    const follow = start([
      'sweep',
      'jsc-s',
      'jsc',
      '--seeds',
      '0,1,2',
      '--batch-size',
      '16',
      '--learning-rate',
      '0.003',
      '--max-epochs',
      '4',
      '--project',
      'restart',
      '--queue',
      redis.url,
    ]);
    const runDir = (name: string) => path.join(dir, 'machop_output', 'restart', name);
    // Mid-trial: two trials past their first epoch, none finished.
    await pause.reached(2);
    expect(took(first.stderr()).length + took(second.stderr()).length).toBe(2);
    expect(
      ['s0', 's1', 's2'].filter((name) => existsSync(path.join(runDir(name), 'summary.json'))),
    ).toEqual([]);
    await redis.restart(2000);
    await pause.release();
    expect(await follow.exited).toBe(0);
    expect(follow.stderr().match(/^\[\d+\/3\] \S+ completed/gm)).toHaveLength(3);
    for (const name of ['s0', 's1', 's2']) {
      expect((await json(path.join(runDir(name), 'summary.json'))).status).toBe('completed');
      // Trained once: every epoch logged once.
      expect(await count(path.join(runDir(name), 'metrics.jsonl'), '"val_loss_epoch"')).toBe(4);
    }
    // Each trial was trained by one worker, without a restart from scratch or a second run.
    expect([...took(first.stderr()), ...took(second.stderr())].sort()).toEqual(['s0', 's1', 's2']);
    for (const process_ of [first, second]) {
      process_.child.kill('SIGTERM');
      expect(await process_.exited).toBe(0);
    }
  }, 900_000);

  it('a coordinator killed mid-sweep re-attaches with --resume, and nothing is enqueued or run twice', async () => {
    const one = worker();
    const sweepArgs = [
      'sweep',
      'jsc-tiny',
      'jsc',
      '--seeds',
      '0,1,2',
      '--max-epochs',
      '2',
      ...FAST,
      '--project',
      'reattach',
      '--queue',
      redis.url,
    ];
    const first = start(sweepArgs);
    await until(() => /^\[1\/3\] /m.test(first.stderr()), 'the first trial to end');
    process.kill(-first.child.pid!, 'SIGKILL');
    await first.exited;
    const { id } = await sweepOf('reattach');
    const again = await runCh(['sweep', '--resume', id, '--queue', redis.url], {
      cwd: dir,
      env,
      timeoutMs: 600_000,
    });
    expect(again.stderr).not.toMatch(/^error/m);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`sweep: ${id}`);
    const { record } = await sweepOf('reattach');
    expect(record.trials.map((trial: { status: string }) => trial.status)).toEqual([
      'completed',
      'completed',
      'completed',
    ]);
    expect(took(one.stderr()).sort()).toEqual(['s0', 's1', 's2']);
    one.child.kill('SIGTERM');
    expect(await one.exited).toBe(0);

    const local = await runCh([...sweepArgs, '--workers', '2'], { cwd: dir, env });
    expect(local.code).toBe(1);
    expect(local.stderr).toMatch(/^error: --workers sets local worker processes; with --queue/m);
  }, 900_000);

  it('a worker without the sweep folder or a plugin refuses with one line and leaves the trial queued', async () => {
    await writeFile(
      path.join(dir, 'tiny-plugin.mjs'),
      `export default {
  name: 'tiny-plugin',
  apiVersion: 1,
  setup(registry) {
    registry.models.add('tiny-net', {
      description: 'a plugin model',
      task: 'classification',
      create: ({ features, classes, tf }) => tf.sequential({ layers: [tf.layers.dense({ inputShape: [features], units: classes })] }),
    });
  },
};
`,
    );
    const enqueued = await runCh(
      [
        'sweep',
        'tiny-net',
        'jsc',
        '--seeds',
        '0',
        '--max-epochs',
        '1',
        '--project',
        'plugged',
        '--plugin',
        './tiny-plugin.mjs',
        '--queue',
        redis.url,
        '--detach',
      ],
      { cwd: dir, env },
    );
    expect(enqueued.code).toBe(0);
    const { id } = await sweepOf('plugged');

    const elsewhere = worker(['--project-dir', 'other_storage']);
    expect(await elsewhere.exited).toBe(1);
    const otherDir = path.join(dir, 'other_storage');
    expect(elsewhere.stderr()).toMatch(
      new RegExp(
        `^error: trial s0 of sweep ${id}: project dir ${otherDir} has no folder for it \\(.+\\); give --project-dir the shared storage the sweep writes to$`,
        'm',
      ),
    );
    const unplugged = worker();
    expect(await unplugged.exited).toBe(1);
    const errors = unplugged
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('error:'));
    expect(errors).toEqual([
      `error: trial s0 of sweep ${id}: needs plugin tiny-plugin (${path.join(dir, 'tiny-plugin.mjs')}), which this worker did not load; start ch worker with --plugin for it`,
    ]);
    expect(unplugged.stderr()).not.toMatch(/^took /m);
    const status = await runCh(['sweep', '--status', id, '--queue', redis.url], { cwd: dir, env });
    expect(status.stdout).toContain(`sweep: ${id}: 1 trial: 1 waiting`);

    // With the plugin, a worker runs it.
    const plugged = worker(['--plugin', './tiny-plugin.mjs']);
    await until(
      () => existsSync(path.join(dir, 'machop_output', 'plugged', 's0', 'summary.json')),
      'the plugin trial to finish',
    );
    plugged.child.kill('SIGTERM');
    expect(await plugged.exited).toBe(0);
    expect(took(plugged.stderr())).toEqual(['s0']);
  }, 600_000);
});
