import { describe, expect, it } from 'vitest';
import {
  curveOf,
  defaultXAxis,
  metricLabel,
  repeatsCurve,
  stepsPerEpoch,
  xValues,
  type MetricColumns,
} from './curves.js';

// Five epochs of 4 steps: a per-epoch metric logged at the end of each epoch, as the trainer does.
const perEpoch: MetricColumns = {
  step: [4, 8, 12, 16, 20],
  epoch: [0, 1, 2, 3, 4],
  time: [100, 101, 102, 103, 104],
  value: [0.2, 0.4, 0.5, 0.6, 0.65],
};
// The same run's per-step loss, logged twice an epoch.
const perStep: MetricColumns = {
  step: [2, 4, 6, 8],
  epoch: [0, 0, 1, 1],
  time: [100.5, 101, 101.5, 102],
  value: [1.5, 1.2, 1, 0.9],
};

describe('the x of a logged value', () => {
  it('counts epochs from 1: the end of the first epoch is at 1, with or without steps per epoch', () => {
    expect(Array.from(xValues(perEpoch, { x: 'epoch', stepsPerEpoch: 4 }))).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(Array.from(xValues(perEpoch, { x: 'epoch' }))).toEqual([1, 2, 3, 4, 5]);
    // Inside an epoch: the fraction of it done.
    expect(Array.from(xValues(perStep, { x: 'epoch', stepsPerEpoch: 4 }))).toEqual([
      0.5, 1, 1.5, 2,
    ]);
  });

  it('is the step, or the seconds since the run started', () => {
    expect(xValues(perStep, { x: 'step' })).toBe(perStep.step);
    expect(Array.from(xValues(perStep, { x: 'time', start: 100 }))).toEqual([0.5, 1, 1.5, 2]);
    expect(Array.from(xValues(perStep, { x: 'time' }))).toEqual([0, 0.5, 1, 1.5]);
  });

  it('keeps typed columns typed', () => {
    const typed = {
      step: Float64Array.from(perEpoch.step),
      epoch: Float64Array.from(perEpoch.epoch),
      time: Float64Array.from(perEpoch.time),
      value: Float64Array.from(perEpoch.value as number[]),
    };
    const curve = curveOf(typed, { x: 'epoch', stepsPerEpoch: 4 });
    expect(curve.x).toBeInstanceOf(Float64Array);
    expect(curve.y).toBe(typed.value);
  });

  it('sorts a curve by x, keeping the last value logged at one x', () => {
    const curve = curveOf(
      { step: [2, 1, 2], epoch: [0, 0, 0], time: [], value: [5, 6, 7] },
      { x: 'step' },
    );
    expect(curve).toEqual({ x: [1, 2], y: [6, 7] });
  });

  it('takes steps per epoch from config.json as the trainer counts them', () => {
    expect(stepsPerEpoch({ splitSizes: { train: 720 }, options: { batchSize: 64 } })).toBe(12);
    expect(stepsPerEpoch({ options: { batchSize: 64 } })).toBeUndefined();
  });

  it('draws a per-epoch metric over epochs and a per-step one over steps by default', () => {
    expect(defaultXAxis([perEpoch.epoch])).toBe('epoch');
    expect(defaultXAxis([perEpoch.epoch, perStep.epoch])).toBe('step');
    expect(defaultXAxis([])).toBe('step');
  });
});

describe('repeats as one curve', () => {
  it('is the mean of the smoothed repeats, with their min-max or std band', () => {
    const repeats = [
      { x: [1, 2, 3], y: [0.2, 0.4, 0.6] },
      { x: [1, 2], y: [0.4, 0.6] },
    ];
    const curve = repeatsCurve(repeats, 0, 'minmax');
    expect(curve.x).toEqual([1, 2, 3]);
    expect(curve.y.map((value) => Number(value.toFixed(12)))).toEqual([0.3, 0.5, 0.6]);
    expect(curve.low).toEqual([0.2, 0.4, 0.6]);
    expect(curve.high).toEqual([0.4, 0.6, 0.6]);
    expect(curve.count).toEqual([2, 2, 1]);
    const std = repeatsCurve(repeats, 0, 'std');
    expect(std.high![0] - std.y[0]).toBeCloseTo(Math.SQRT2 * 0.1, 12);
    // Smoothed before averaging; the raw mean is kept to draw faint behind.
    const smoothed = repeatsCurve(repeats, 0.5, 'minmax');
    expect(smoothed.raw.map((value) => Number(value.toFixed(12)))).toEqual([0.3, 0.5, 0.6]);
    expect(smoothed.y[1]).toBeCloseTo(
      (0.2 / 3 + (0.4 * 2) / 3 + (0.4 / 3 + (0.6 * 2) / 3)) / 2,
      12,
    );
  });

  it('has no band for one run, and lines repeats up by step on a time axis', () => {
    expect(repeatsCurve([{ x: [1], y: [1] }], 0, 'minmax').low).toBeUndefined();
    const curve = repeatsCurve(
      [
        { x: [0.5, 1.5], at: [10, 20], y: [1, 2] },
        { x: [1.5, 2.5], at: [10, 20], y: [3, 4] },
      ],
      0,
      'minmax',
    );
    expect(curve.x).toEqual([1, 2]);
    expect(curve.y).toEqual([2, 3]);
  });
});

describe('metricLabel', () => {
  it('names a metric as an axis says it', () => {
    expect(metricLabel('val_acc_epoch')).toBe('validation accuracy');
    expect(metricLabel('train_loss_step')).toBe('training loss (per step)');
    expect(metricLabel('val_loss_epoch')).toBe('validation loss');
    expect(metricLabel('perplexity')).toBe('perplexity');
  });
});
