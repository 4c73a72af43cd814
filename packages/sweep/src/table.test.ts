import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSweep, SweepStore, type SweepRecord } from './store.js';
import { computeSweepTable, sweepCsv } from './table.js';

const root = mkdtempSync(path.join(tmpdir(), 'machop-sweep-table-'));

/** A finished trial's run folder, as the trainer writes it. */
function trial(
  id: string,
  point: Record<string, number>,
  seed: number,
  val: number[],
  test: number,
  status = 'completed',
) {
  const dir = path.join(root, 'study', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({
      format: 'machop-run',
      runId: id,
      options: { seed },
      sweep: { id: 'sw', trial: id, point, seed },
    }),
  );
  const lines = val.map((value, epoch) =>
    JSON.stringify({ step: (epoch + 1) * 10, epoch, time: 0, name: 'val_acc_epoch', value }),
  );
  lines.push(
    JSON.stringify({
      step: val.length * 10,
      epoch: val.length - 1,
      time: 0,
      name: 'test_acc_epoch',
      value: test,
    }),
  );
  writeFileSync(path.join(dir, 'metrics.jsonl'), lines.join('\n') + '\n');
  writeFileSync(
    path.join(dir, 'summary.json'),
    JSON.stringify({
      status,
      epochs: val.length,
      wallTimeSeconds: 10 + seed,
      samplesPerSecond: 1000,
    }),
  );
}

trial('bs64_s0', { 'batch-size': 64 }, 0, [0.5, 0.7, 0.6], 0.61);
trial('bs64_s1', { 'batch-size': 64 }, 1, [0.4, 0.5, 0.8], 0.79);
trial('bs128_s0', { 'batch-size': 128 }, 0, [0.6, 0.9], 0.88);
trial('bs128_s1', { 'batch-size': 128 }, 1, [0.2, 0.3], 0.3, 'crashed-but-says-so');
trial('other_s0', { 'batch-size': 256 }, 0, [0.1], 0.1);
// A run of another sweep in the same project stays out.
writeFileSync(
  path.join(root, 'study', 'other_s0', 'config.json'),
  JSON.stringify({
    format: 'machop-run',
    runId: 'other_s0',
    sweep: { id: 'else', trial: 'x', point: {}, seed: 0 },
  }),
);

describe('computeSweepTable', () => {
  it('groups finished trials by point with mean ± std over seeds, in the order of the swept values', async () => {
    const table = await computeSweepTable(root, 'study', 'sw', {
      name: 'val_acc_epoch',
      goal: 'maximize',
    });
    expect(table.parameters).toEqual(['batch-size']);
    expect(table.metricNames).toEqual(['val_acc_epoch', 'test_acc_epoch']);
    // bs128 has one finished seed (final 0.9); bs64 has two (finals 0.6 and 0.8, mean 0.7).
    expect(table.rows.map((row) => row.point['batch-size'])).toEqual([64, 128]);
    const [bs64, bs128] = table.rows;
    expect(table.best).toBe(1);
    expect(bs128.seeds).toEqual([0]);
    expect(bs64.trials).toEqual(['bs64_s0', 'bs64_s1']);
    expect(bs64.metrics.val_acc_epoch.final!.mean).toBeCloseTo(0.7, 12);
    expect(bs64.metrics.val_acc_epoch.final!.std).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(bs64.metrics.val_acc_epoch.best!.mean).toBeCloseTo(0.75, 12);
    expect(bs64.metrics.test_acc_epoch.final!.mean).toBeCloseTo(0.7, 12);
    expect(bs64.bestSeed).toEqual({ seed: 1, trial: 'bs64_s1', value: 0.8 });
    expect(bs64.worstSeed).toEqual({ seed: 0, trial: 'bs64_s0', value: 0.6 });
    expect(bs64.epochs!.mean).toBe(3);
    expect(bs64.wallTimeSeconds!.mean).toBe(10.5);

    const csv = sweepCsv(table).trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[0]).toMatch(/^batch-size,seeds,val_acc_epoch_final_mean,val_acc_epoch_final_std,/);
    expect(csv[1].split(',').slice(0, 3)).toEqual(['64', '0 1', '0.7']);
  });

  it('marks the lowest as best when the goal is to minimize, in the same order', async () => {
    const table = await computeSweepTable(root, 'study', 'sw', {
      name: 'val_acc_epoch',
      goal: 'minimize',
    });
    expect(table.rows.map((row) => row.point['batch-size'])).toEqual([64, 128]);
    expect(table.best).toBe(0);
    // The best of a metric to minimize is its lowest value.
    expect(table.rows[0].metrics.val_acc_epoch.best!.mean).toBeCloseTo(0.45, 12);
  });
});

describe('SweepStore', () => {
  it('saves every change atomically and in order', async () => {
    const dir = path.join(root, 'study', 'sweeps', 'sw');
    mkdirSync(dir, { recursive: true });
    const record: SweepRecord = {
      format: 'machop-sweep',
      version: 1,
      id: 'sw',
      project: 'study',
      createdAt: '',
      updatedAt: '',
      command: ['ch', 'sweep'],
      definition: {
        method: 'grid',
        metric: { name: 'val_acc_epoch', goal: 'maximize' },
        parameters: {},
      },
      base: {},
      table: null,
      trials: ['a', 'b'].map((name) => ({
        name,
        runId: name,
        point: {},
        seed: 0,
        status: 'pending',
        error: null,
        attempts: 0,
        endedAt: null,
      })),
    };
    const store = new SweepStore(dir, record);
    await Promise.all([
      store.update('a', { status: 'running', attempts: 1 }),
      store.update('b', { status: 'failed', error: { code: 'E_CONFIG', message: 'no' } }),
      store.update('a', { status: 'completed' }),
    ]);
    const saved = (await readSweep(dir))!;
    expect(saved.trials.map((trial) => [trial.name, trial.status, trial.attempts])).toEqual([
      ['a', 'completed', 1],
      ['b', 'failed', 0],
    ]);
    expect(
      JSON.parse(readFileSync(path.join(dir, 'sweep.json'), 'utf8')).trials[1].error.code,
    ).toBe('E_CONFIG');
    expect(await readSweep(path.join(root, 'nowhere'))).toBeUndefined();
    writeFileSync(path.join(dir, 'sweep.json'), '{"format":');
    await expect(readSweep(dir)).rejects.toThrow(/is not valid JSON/);
  });
});
