import { describe, expect, it } from 'vitest';
import { readPlotRuns } from './runs.js';
import { summaryPlot } from './summary.js';
import { tempProjectDir, writeRun } from './test-runs.js';

async function learningRateStudy() {
  const root = tempProjectDir();
  // Accuracy rises, then falls in the last epoch for the largest rate: best and final differ.
  const accuracy = (rate: number, seed: number) => (epoch: number) =>
    rate === 0.1 && epoch === 2 ? 0.3 + seed * 0.1 : 0.5 + epoch * rate + seed * 0.1;
  for (const learningRate of [0.1, 0.001, 0.01])
    for (const seed of [0, 1, 2])
      writeRun(root, 'lr', {
        id: `lr${learningRate}-s${seed}`,
        learningRate,
        seed,
        accuracy: accuracy(learningRate, seed),
      });
  return readPlotRuns(root, { project: 'lr' });
}

describe('summaryPlot', () => {
  it('puts the final value of each seed, its mean and min-max bars on a log learning-rate axis', async () => {
    const plot = summaryPlot(await learningRateStudy(), { metric: 'val_acc_epoch' });
    expect(plot.setting).toBe('learning-rate');
    expect(plot.logX).toBe(true);
    expect(plot.points.map((point) => point.x)).toEqual([0.001, 0.01, 0.1]);
    const middle = plot.points[1];
    // Final (epoch 2) values of seeds 0, 1, 2 at rate 0.01: 0.52, 0.62, 0.72.
    expect(middle.runs.map((run) => run.value)).toEqual(
      [0.52, 0.62, 0.72].map((v) => expect.closeTo(v, 12)),
    );
    expect(middle.mean).toBeCloseTo(0.62, 12);
    expect(middle.std).toBeCloseTo(0.1, 12);
    expect([middle.low, middle.high]).toEqual([expect.closeTo(0.52, 12), expect.closeTo(0.72, 12)]);
    expect(plot.points[2].mean).toBeCloseTo(0.4, 12);
  });

  it('takes the best value of an accuracy (highest) and bars of one std when asked', async () => {
    const plot = summaryPlot(await learningRateStudy(), {
      metric: 'val_acc_epoch',
      value: 'best',
      band: 'std',
    });
    const last = plot.points[2];
    // Rate 0.1 peaks at epoch 1: 0.6, 0.7, 0.8.
    expect(last.mean).toBeCloseTo(0.7, 12);
    expect(last.low).toBeCloseTo(0.6, 12);
    expect(last.high).toBeCloseTo(0.8, 12);
    // A loss's best is its lowest.
    const loss = summaryPlot(await learningRateStudy(), {
      metric: 'val_loss_epoch',
      value: 'best',
    });
    expect(loss.points[2].mean).toBeCloseTo(1.5 - 0.7, 12);
  });

  it('keeps batch sizes on a linear axis when they span less than a decade', async () => {
    const root = tempProjectDir();
    for (const batchSize of [64, 128, 256])
      writeRun(root, 'bs', { id: `bs${batchSize}`, batchSize });
    const plot = summaryPlot(await readPlotRuns(root, { project: 'bs' }), {
      metric: 'val_acc_epoch',
    });
    expect(plot.setting).toBe('batch-size');
    expect(plot.logX).toBe(false);
    expect(plot.repeats).toBe(1);
  });

  it('needs a setting that varies', async () => {
    const root = tempProjectDir();
    for (const seed of [0, 1]) writeRun(root, 'seeds', { id: `s${seed}`, seed });
    expect(() => summaryPlot([], { metric: 'val_acc_epoch' })).toThrow('no runs to plot');
    const runs = await readPlotRuns(root, { project: 'seeds' });
    expect(() => summaryPlot(runs, { metric: 'val_acc_epoch' })).toThrow(/differ only by seed/);
    expect(() => summaryPlot(runs, { metric: 'val_acc_epoch', groupBy: ['optimizer'] })).toThrow(
      /optimizer is not numeric/,
    );
  });
});
