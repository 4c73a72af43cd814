import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { acquireRunLock, smooth } from '@machop/runs';
import { describe, expect, it } from 'vitest';
import { defaultSmoothing, linePlot, metricCurve, mixedSettingsWarning } from './curves.js';
import { damagedLogWarnings, readPlotRuns } from './runs.js';
import { tempProjectDir, writeRun } from './test-runs.js';

/** Four runs: batch sizes 64 and 128, seeds 0 and 1, with known accuracies. */
async function study() {
  const root = tempProjectDir();
  const accuracy = (batchSize: number, seed: number) => (epoch: number) =>
    0.4 + epoch * (batchSize === 64 ? 0.1 : 0.05) + seed * 0.02;
  for (const batchSize of [128, 64])
    for (const seed of [0, 1])
      writeRun(root, 'study', {
        id: `2026-11-30T10-00-0${seed}-bs${batchSize}`,
        batchSize,
        seed,
        accuracy: accuracy(batchSize, seed),
      });
  return readPlotRuns(root, { project: 'study' });
}

describe('metricCurve', () => {
  it('puts epoch metrics on whole epochs, steps as logged and time since the run started', async () => {
    const [run] = await study();
    const byEpoch = metricCurve(run, 'val_acc_epoch', 'epoch');
    expect(byEpoch.x).toEqual([1, 2, 3]);
    // 2048 training rows in batches of 128: 16 steps an epoch.
    expect(metricCurve(run, 'val_acc_epoch', 'step').x).toEqual([16, 32, 48]);
    expect(metricCurve(run, 'train_loss_step', 'epoch').x.slice(0, 2)).toEqual([2 / 16, 4 / 16]);
    const time = metricCurve(run, 'val_acc_epoch', 'time').x;
    // The fake trainer takes 0.05 s a step, one second after the run was created.
    expect(time[0]).toBeCloseTo(1 + 16 * 0.05, 4);
    expect(time[2]).toBeCloseTo(1 + 48 * 0.05, 4);
  });
});

describe('linePlot', () => {
  it('draws runs that differ only by seed as one mean curve with a min-max band', async () => {
    const plot = linePlot(await study(), { metric: 'val_acc_epoch' });
    expect(plot.keys).toEqual(['batch-size']);
    expect(plot.band).toBe('minmax');
    expect(plot.repeats).toBe(2);
    expect(plot.smoothing).toBe(0);
    expect(plot.curves.map((curve) => curve.label)).toEqual(['batch-size=64', 'batch-size=128']);
    const [small] = plot.curves;
    expect(small.runs).toHaveLength(2);
    expect(small.points.map((point) => point.x)).toEqual([1, 2, 3]);
    // Seeds 0 and 1 at epoch 2 (index 1): 0.5 and 0.52.
    expect(small.points[1].y).toBeCloseTo(0.51, 12);
    expect(small.points[1].low).toBeCloseTo(0.5, 12);
    expect(small.points[1].high).toBeCloseTo(0.52, 12);
    expect(small.points[1].count).toBe(2);
  });

  it('draws a band of one standard deviation when asked', async () => {
    const plot = linePlot(await study(), { metric: 'val_acc_epoch', band: 'std' });
    const point = plot.curves[0].points[0];
    const std = Math.sqrt(((0.4 - 0.41) ** 2 + (0.42 - 0.41) ** 2) / 1);
    expect(point.low).toBeCloseTo(0.41 - std, 12);
    expect(point.high).toBeCloseTo(0.41 + std, 12);
  });

  it('draws one curve per run without a band when grouped by seed, named by seed', async () => {
    const plot = linePlot(await study(), {
      metric: 'val_acc_epoch',
      groupBy: ['seed', 'batchSize'],
    });
    expect(plot.band).toBeNull();
    expect(plot.curves.map((curve) => curve.label)).toEqual([
      'seed=0, batch-size=64',
      'seed=0, batch-size=128',
      'seed=1, batch-size=64',
      'seed=1, batch-size=128',
    ]);
    expect(
      plot.curves.every((curve) => curve.points.every((point) => point.low === undefined)),
    ).toBe(true);
  });

  it('smooths per-step metrics by default, each run before averaging, keeping the raw mean', async () => {
    const runs = await study();
    expect(defaultSmoothing(runs, 'train_loss_step')).toBe(0.6);
    expect(defaultSmoothing(runs, 'val_acc_epoch')).toBe(0);
    const plot = linePlot(runs, { metric: 'train_loss_step', x: 'step' });
    expect(plot.smoothing).toBe(0.6);
    const members = runs.filter(({ run }) => run.config.options.batchSize === 64);
    const curves = members.map((run) => metricCurve(run, 'train_loss_step', 'step'));
    const smoothed = curves.map((curve) => smooth(curve.y, 0.6) as number[]);
    const curve = plot.curves[0];
    expect(curve.points[5].x).toBe(curves[0].x[5]);
    expect(curve.points[5].y).toBeCloseTo((smoothed[0][5] + smoothed[1][5]) / 2, 12);
    expect(curve.points[5].raw).toBeCloseTo(
      ((curves[0].y[5] as number) + (curves[1].y[5] as number)) / 2,
      12,
    );
    expect(curve.points[5].high).toBeCloseTo(Math.max(smoothed[0][5], smoothed[1][5]), 12);
  });

  it('plots what a run that died or is still going has logged, and says so in its name', async () => {
    const root = tempProjectDir();
    writeRun(root, 'p', { id: 'done', batchSize: 64 });
    const dead = writeRun(root, 'p', { id: 'dead', batchSize: 128, diedAfter: 2 });
    appendFileSync(path.join(dead, 'metrics.jsonl'), '{"step":40,"epoch":2,"ti');
    const plot = linePlot(await readPlotRuns(root, { project: 'p' }), { metric: 'val_acc_epoch' });
    expect(plot.curves.map((curve) => curve.label)).toEqual([
      'batch-size=64',
      'batch-size=128 (crashed)',
    ]);
    expect(plot.curves[1].points).toHaveLength(2);

    // The same run while a live process holds its lock: still training.
    const lock = await acquireRunLock(dead);
    try {
      const live = linePlot(await readPlotRuns(root, { project: 'p' }), {
        metric: 'val_acc_epoch',
      });
      expect(live.curves[1].label).toBe('batch-size=128 (running)');
    } finally {
      await lock.release();
    }
  });

  it('names a lone run by its model and data set, and uses a log axis for values spanning decades', async () => {
    const root = tempProjectDir();
    writeRun(root, 'p', { id: 'one', learningRate: 1e-4 });
    writeRun(root, 'q', { id: 'a', learningRate: 1e-4 });
    writeRun(root, 'q', { id: 'b', learningRate: 0.1 });
    const lone = linePlot(await readPlotRuns(root, { project: 'p' }), { metric: 'lr' });
    expect(lone.curves.map((curve) => curve.label)).toEqual(['jsc-tiny on jsc']);
    expect(lone.logY).toBe(false);
    const rates = linePlot(await readPlotRuns(root, { project: 'q' }), { metric: 'lr' });
    expect(rates.curves.map((curve) => curve.label)).toEqual([
      'learning-rate=0.0001',
      'learning-rate=0.1',
    ]);
    expect(rates.logY).toBe(true);
  });

  it('refuses what it cannot draw with the message a user needs', async () => {
    const runs = await study();
    expect(() => linePlot(runs, { metric: 'val_f1' })).toThrow(
      'no run logged the metric val_f1; logged metrics: lr, train_loss_step, val_acc_epoch, val_loss_epoch',
    );
    expect(() => linePlot(runs, { metric: 'val_acc_epoch', smoothing: 1 })).toThrow(
      /--smooth 1: the smoothing weight must be at least 0 and below 1/,
    );
    expect(() => linePlot(runs, { metric: 'val_acc_epoch', x: 'wall' as never })).toThrow(
      '--x wall: the x axis is one of epoch, step, time',
    );
    await expect(readPlotRuns(tempProjectDir(), { project: 'none' })).rejects.toThrow(
      /no runs to plot in project none/,
    );
  });
});

describe('groups that mix settings', () => {
  it('warns when --group-by averages runs that differ in another setting, and names it', async () => {
    const root = tempProjectDir();
    for (const learningRate of [0.001, 0.01])
      writeRun(root, 'mixed', { id: `lr${learningRate}`, batchSize: 64, learningRate });
    writeRun(root, 'mixed', { id: 'bs128', batchSize: 128, learningRate: 0.001 });
    const runs = await readPlotRuns(root, { project: 'mixed' });
    const plot = linePlot(runs, { metric: 'val_acc_epoch', groupBy: ['batch-size'] });
    expect(plot.curves.map((curve) => [curve.label, curve.mixed])).toEqual([
      ['batch-size=64', ['learning-rate']],
      ['batch-size=128', []],
    ]);
    expect(mixedSettingsWarning(plot)).toBe(
      '1 of 2 curves average runs with different learning-rate (batch-size=64); add learning-rate to --group-by to draw them apart',
    );
    const split = linePlot(runs, {
      metric: 'val_acc_epoch',
      groupBy: ['batch-size', 'learning-rate'],
    });
    expect(mixedSettingsWarning(split)).toBeUndefined();
  });
});

describe('damaged metric logs', () => {
  it('names the file and the lines it skipped', async () => {
    const root = tempProjectDir();
    const dir = writeRun(root, 'damaged', { id: 'one', tail: 'not json\n{"half":\n' });
    writeRun(root, 'damaged', { id: 'two' });
    const runs = await readPlotRuns(root, { project: 'damaged' });
    const warnings = damagedLogWarnings(runs);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/skipped 2 damaged lines, not metric records \(line \d+, \d+\)/);
    expect(warnings[0].startsWith(`${path.join(dir, 'metrics.jsonl')}: `)).toBe(true);
  });
});
