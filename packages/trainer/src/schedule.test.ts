import { describe, expect, it } from 'vitest';
import { COSINE_MIN_LEARNING_RATE, learningRateAt, type ScheduleSettings } from './schedule.js';

const base: ScheduleSettings = {
  scheduler: 'cosine',
  learningRate: 1e-3,
  maxEpochs: 10,
  stepSize: 3,
  gamma: 0.5,
};

describe('learningRateAt', () => {
  it('follows the cosine formula from lr0 at epoch 0 to eta_min at T_max = maxEpochs', () => {
    const { learningRate, maxEpochs } = base;
    expect(learningRateAt(base, 0)).toBeCloseTo(learningRate, 15);
    expect(learningRateAt(base, maxEpochs)).toBeCloseTo(COSINE_MIN_LEARNING_RATE, 15);
    for (let epoch = 0; epoch <= maxEpochs; epoch++) {
      const expected =
        COSINE_MIN_LEARNING_RATE +
        (learningRate - COSINE_MIN_LEARNING_RATE) *
          0.5 *
          (1 + Math.cos((Math.PI * epoch) / maxEpochs));
      expect(learningRateAt(base, epoch)).toBeCloseTo(expected, 15);
    }
    // Halfway, the rate is the mean of the two ends.
    expect(learningRateAt(base, maxEpochs / 2)).toBeCloseTo(
      (learningRate + COSINE_MIN_LEARNING_RATE) / 2,
      15,
    );
  });

  it('multiplies by gamma every stepSize epochs for the step schedule', () => {
    const settings: ScheduleSettings = { ...base, scheduler: 'step' };
    const rates = Array.from({ length: 8 }, (_, epoch) => learningRateAt(settings, epoch));
    expect(rates.slice(0, settings.stepSize).every((rate) => rate === settings.learningRate)).toBe(
      true,
    );
    expect(rates[settings.stepSize]).toBeCloseTo(settings.learningRate * settings.gamma, 15);
    expect(rates[2 * settings.stepSize]).toBeCloseTo(
      settings.learningRate * settings.gamma ** 2,
      15,
    );
  });

  it('keeps the rate for the none schedule', () => {
    const settings: ScheduleSettings = { ...base, scheduler: 'none' };
    expect(
      new Set(Array.from({ length: 5 }, (_, epoch) => learningRateAt(settings, epoch))),
    ).toEqual(new Set([settings.learningRate]));
  });
});
