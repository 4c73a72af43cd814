import { metricDirection } from '@machop/runs';
import { defaultGoal } from '@machop/sweep';
import { EPOCH_METRICS } from '@machop/trainer';
import { describe, expect, it } from 'vitest';

// One owner decides which way a metric improves; the sweep asks it instead of guessing.
describe('metric direction, as the trainer and the sweep see it', () => {
  it('is declared for every metric the trainer may monitor, and the sweep agrees', () => {
    for (const monitor of EPOCH_METRICS) {
      const mode = metricDirection(monitor);
      expect(mode).toBe(monitor.includes('_acc_') ? 'max' : 'min');
      expect(defaultGoal(monitor)).toBe(mode === 'max' ? 'maximize' : 'minimize');
    }
  });

  it('makes a sweep on a metric with no declared direction an error naming --goal, not a silent maximize', () => {
    expect(() => defaultGoal('val_mystery_epoch')).toThrow(
      'metric "val_mystery_epoch" does not declare whether higher or lower is better; give its goal with --goal maximize|minimize (metric.goal in a sweep file)',
    );
  });
});
