import { describe, expect, it } from 'vitest';
import { chanceHint } from './chance-hint.js';

// Final values of jsc-tiny runs on JSC-shaped data (batch 256, 10 epochs), as `ch train` ended them.
const dead = { accuracy: 0.2031, classes: 5, trainLoss: 1.6094, learningRate: 1, diverged: false };
const slow = {
  accuracy: 0.0125,
  classes: 5,
  trainLoss: 1.6185,
  learningRate: 1e-5,
  diverged: false,
};

describe('chanceHint', () => {
  it('says nothing when validation accuracy is well above chance', () => {
    expect(chanceHint({ ...slow, accuracy: 0.6 })).toBeUndefined();
    expect(chanceHint({ ...slow, classes: undefined })).toBeUndefined();
  });

  it('asks for a larger learning rate when the loss is still above ln(classes)', () => {
    expect(chanceHint(slow)).toBe(
      'validation accuracy 0.0125 is near chance (1/5 = 0.2000): try a larger --learning-rate (the Lab-1 studies learn with 1e-3) or more --max-epochs',
    );
  });

  it('calls a loss stuck at ln(classes) a too large learning rate, never asking for a larger one', () => {
    const hint = chanceHint(dead)!;
    expect(hint).toBe(
      "validation accuracy 0.2031 is near chance (1/5 = 0.2000): the learning rate 1 is too large, training diverged (the training loss is stuck at ln 5 = 1.6094, the network's outputs no longer depend on its input); try a smaller --learning-rate (the Lab-1 studies learn with 1e-3)",
    );
    expect(hint).not.toContain('larger');
  });

  it('blames neither learning rate when the loss fell well below ln(classes)', () => {
    // jsc-tiny at learning rate 1e-3, batch 64, seed 0: it learned, but its final ReLU ties classes.
    const hint = chanceHint({ ...slow, accuracy: 0.2281, trainLoss: 1.3114, learningRate: 1e-3 })!;
    expect(hint).toBe(
      'validation accuracy 0.2281 is near chance (1/5 = 0.2000), though the training loss fell to 1.3114 (ln 5 = 1.6094): the model learned but its outputs tie, as a model ending in a ReLU does when it loses classes for a seed; compare other --seed values before changing the learning rate',
    );
  });

  it('calls a run the trainer ended as diverged a too large learning rate', () => {
    expect(chanceHint({ ...slow, trainLoss: Number.NaN, diverged: true })).toContain(
      'the learning rate 0.00001 is too large, training diverged (the training loss exploded)',
    );
  });
});
