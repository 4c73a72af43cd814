import { describe, expect, it } from 'vitest';
import type { ExecutorEvent } from './executor.js';
import { LocalExecutor } from './local-executor.js';

// These fork a real worker module (built dist/worker.js, as users run it).
const module = new URL('../fixtures/echo-worker.mjs', import.meta.url);
const task = (name: string, epochs = 2, ms = 10) => ({ name, payload: { epochs, ms } });

describe('LocalExecutor', () => {
  it('runs every trial once on its workers, each set up once, and reports progress', async () => {
    const events: ExecutorEvent[] = [];
    const executor = new LocalExecutor({ module, workers: 2 });
    const tasks = ['a', 'b', 'c', 'd', 'e'].map((name) => task(name));
    const outcomes = await executor.run(tasks, { onEvent: (event) => events.push(event) });
    expect(outcomes.map((outcome) => outcome.trial).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(outcomes.every((outcome) => outcome.status === 'completed')).toBe(true);
    // At most two worker processes served the five trials (a worker that starts late under
    // load may find the queue empty: how many ran is up to timing, never more than asked).
    const pids = new Set(outcomes.map((outcome) => outcome.runDir));
    expect(pids.size).toBeGreaterThanOrEqual(1);
    expect(pids.size).toBeLessThanOrEqual(2);
    const progress = events.filter((event) => event.type === 'progress');
    expect(progress).toHaveLength(10);
    expect(progress.every((event) => event.metrics.init === 1)).toBe(true);
    expect(events.filter((event) => event.type === 'started')).toHaveLength(5);
  });

  it('records a failing trial and a dying worker, and goes on with the others', async () => {
    const executor = new LocalExecutor({ module, workers: 2 });
    const outcomes = await executor.run(
      [task('a'), task('bad'), task('crash'), task('d'), task('e')],
      {},
    );
    const byName = Object.fromEntries(outcomes.map((outcome) => [outcome.trial, outcome]));
    expect(byName.bad).toMatchObject({
      status: 'failed',
      error: { code: 'E_CONFIG', message: 'batch-size must be 1 or more' },
    });
    expect(byName.crash.status).toBe('failed');
    expect(byName.crash.error?.message).toMatch(/worker process \d+ ended \(exit code 3\)/);
    for (const name of ['a', 'd', 'e']) expect(byName[name].status).toBe('completed');
  });

  it('stops on abort: running trials end interrupted and no more start', async () => {
    const controller = new AbortController();
    const executor = new LocalExecutor({ module, workers: 2 });
    const outcomes = await executor.run(
      ['a', 'b', 'c', 'd'].map((name) => task(name, 100, 20)),
      {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'progress') controller.abort();
        },
      },
    );
    expect(outcomes.length).toBeLessThanOrEqual(2);
    expect(outcomes.length).toBeGreaterThan(0);
    for (const outcome of outcomes) expect(outcome.status).toBe('interrupted');
  });

  it('fails the sweep with one line when workers cannot start', async () => {
    const executor = new LocalExecutor({ module, workers: 1, init: { fail: true } });
    await expect(executor.run([task('a')])).rejects.toThrow(
      'a sweep worker could not start: plugin "x" not found',
    );
  });

  it('refuses zero workers', () => {
    expect(() => new LocalExecutor({ module, workers: 0 })).toThrow(
      '--workers must be a whole number from 1 up, got 0',
    );
  });
});
