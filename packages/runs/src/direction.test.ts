import { describe, expect, it } from 'vitest';
import { metricDirection } from './direction.js';
import { requireDirection } from './require-direction.js';

describe('metric direction', () => {
  it('is declared by the metric a logged name holds, whatever its split and period', () => {
    expect(metricDirection('val_acc_epoch')).toBe('max');
    expect(metricDirection('test_acc_epoch')).toBe('max');
    expect(metricDirection('train_loss_step')).toBe('min');
    expect(metricDirection('val_loss_epoch')).toBe('min');
    expect(metricDirection('val_f1_epoch')).toBe('max');
  });

  it('is unknown for the learning rate and for metrics nobody declared', () => {
    expect(metricDirection('lr')).toBeUndefined();
    expect(metricDirection('val_mystery_epoch')).toBeUndefined();
    // A name that merely contains "acc" or "loss" declares nothing: no guessing from names.
    expect(metricDirection('val_lossless_epoch')).toBeUndefined();
  });

  it('makes an unknown metric a one-line error naming the flag that gives its direction', () => {
    expect(() =>
      requireDirection('val_mystery_epoch', 'give its direction with --mode max|min'),
    ).toThrow(
      'metric "val_mystery_epoch" does not declare whether higher or lower is better; give its direction with --mode max|min',
    );
    expect(requireDirection('val_acc_epoch', 'unused')).toBe('max');
  });
});
