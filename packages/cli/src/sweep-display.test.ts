import type { SweepTable } from '@machop/sweep';
import { describe, expect, it } from 'vitest';
import { parseFilter, type Row } from './commands/runs-query.js';
import { formatStats, formatSweepTable } from './sweep-display.js';

const cell = (mean: number, std: number, count = 2) => ({
  mean,
  std,
  min: mean - std,
  max: mean + std,
  count,
});

const table: SweepTable = {
  metric: { name: 'val_acc_epoch', goal: 'maximize' },
  metricNames: ['val_acc_epoch', 'test_acc_epoch'],
  parameters: ['batch-size'],
  computedAt: '',
  best: 0,
  rows: [
    {
      point: { 'batch-size': 64 },
      trials: ['bs64_s0', 'bs64_s1'],
      seeds: [0, 1],
      metrics: {
        val_acc_epoch: { final: cell(0.7123, 0.0131), best: cell(0.72, 0.01) },
        test_acc_epoch: { final: cell(0.7, 0.02), best: cell(0.7, 0.02) },
      },
      bestSeed: { seed: 1, trial: 'bs64_s1', value: 0.7216 },
      worstSeed: { seed: 0, trial: 'bs64_s0', value: 0.703 },
      epochs: cell(10, 0),
      wallTimeSeconds: cell(12.5, 1.5),
      samplesPerSecond: cell(4000, 100),
    },
  ],
};

describe('formatSweepTable', () => {
  it('shows mean ± std over seeds, whole numbers plainly', () => {
    expect(formatStats(cell(0.7123, 0.0131))).toBe('0.712 ± 0.013');
    expect(formatStats(cell(10, 0))).toBe('10');
    // The spread in the mean's notation, not a notation of its own.
    expect(formatStats(cell(185_616.8, 28_279.4))).toBe('1.86e+5 ± 2.83e+4');
    expect(formatStats(cell(3833.3, 1689.2))).toBe('3833 ± 1689');
    expect(formatStats(cell(0.7123, 0.00031))).toBe('0.712 ± 0.000');
    expect(formatStats(cell(0.5, 0.1, 1))).toBe('0.500');
    expect(formatStats(null)).toBe('-');
    const text = formatSweepTable(table, Infinity);
    expect(text.split('\n')[0]).toMatch(
      /^batch-size\s+n\s+val_acc_epoch final\s+val_acc_epoch best\s+test_acc_epoch final/,
    );
    expect(text).toContain('0.712 ± 0.013');
    expect(text).toContain('1 (0.722)');
    expect(text.trimEnd().split('\n').pop()).toBe(
      'best: batch-size 64: val_acc_epoch 0.712 ± 0.013',
    );
  });

  it('drops the least important columns to fit the terminal, never the point or the metric', () => {
    const narrow = formatSweepTable(table, 60);
    for (const line of narrow.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    expect(narrow.split('\n')[0]).toMatch(/^batch-size\s+n\s+val_acc_epoch final/);
    expect(narrow).not.toContain('samples/s');
    // Too narrow for even the essentials: they stay anyway.
    expect(formatSweepTable(table, 10).split('\n')[0]).toMatch(
      /^batch-size\s+n\s+val_acc_epoch final$/,
    );
  });
});

describe('ch runs filters', () => {
  const row: Row = {
    name: 'bs64_s0',
    status: 'completed',
    tags: 'lab1,baseline',
    settings: { 'batch-size': '64', optimizer: 'adam' },
    metrics: { val_acc_epoch: { final: 0.7, best: 0.75 } },
    epochs: 3,
    wallTimeSeconds: 4,
  };
  const filter = (text: string) => parseFilter(text, [row], ['val_acc_epoch']);
  it('compares numbers as numbers and text as text, on settings, metrics and columns', () => {
    expect(filter('batch-size>=64')(row)).toBe(true);
    expect(filter('batch-size>100')(row)).toBe(false);
    expect(filter('optimizer=adam')(row)).toBe(true);
    expect(filter('optimizer != adam')(row)).toBe(false);
    expect(filter('val_acc_epoch>0.72')(row)).toBe(false);
    expect(filter('val_acc_epoch.best>0.72')(row)).toBe(true);
    expect(filter('status=completed')(row)).toBe(true);
    expect(filter('tag=baseline')(row)).toBe(true);
    expect(filter('tag=base')(row)).toBe(false);
    expect(filter('tag!=lab2')(row)).toBe(true);
  });
  it('refuses what is not KEY OP VALUE, and a key no run has', () => {
    expect(() => filter('batch-size')).toThrow(/--filter "batch-size": write KEY OP VALUE/);
    expect(() => filter('hidden=8')).toThrow(/--filter "hidden=8": no run has "hidden"/);
  });
});
