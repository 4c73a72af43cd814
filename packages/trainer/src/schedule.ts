import type { SchedulerName } from './options.js';

/** The cosine schedule's floor, as in MASE (`CosineAnnealingLR(eta_min=1e-6)`). */
export const COSINE_MIN_LEARNING_RATE = 1e-6;

/** What a learning-rate schedule depends on. */
export interface ScheduleSettings {
  scheduler: SchedulerName;
  learningRate: number;
  maxEpochs: number;
  stepSize: number;
  gamma: number;
}

/**
 * The learning rate of epoch `epoch` (0-based). A closed form of the epoch alone, so a resumed
 * run needs no saved schedule state:
 * - `cosine`: eta_min + (lr0 - eta_min)(1 + cos(pi e / T_max)) / 2 with T_max = maxEpochs;
 * - `step`: lr0 * gamma^floor(e / stepSize);
 * - `none`: lr0.
 */
export function learningRateAt(settings: ScheduleSettings, epoch: number): number {
  switch (settings.scheduler) {
    case 'cosine':
      return (
        COSINE_MIN_LEARNING_RATE +
        ((settings.learningRate - COSINE_MIN_LEARNING_RATE) *
          (1 + Math.cos((Math.PI * epoch) / settings.maxEpochs))) /
          2
      );
    case 'step':
      return settings.learningRate * settings.gamma ** Math.floor(epoch / settings.stepSize);
    case 'none':
      return settings.learningRate;
  }
}
