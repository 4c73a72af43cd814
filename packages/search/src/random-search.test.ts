import type { SearchSpace, TrialRecord } from '@machop/core/base';
import { describe, expect, it } from 'vitest';
import { randomEntry, randomSearch } from './index.js';

const space: SearchSpace = {
  quantizer: { kind: 'categorical', choices: ['integer', 'minifloat', 'log'] },
  width: { kind: 'ordinal', choices: [2, 4, 8] },
  blocks: { kind: 'int', low: 1, high: 4 },
  channels: { kind: 'int', low: 1, high: 1024, log: true },
  rate: { kind: 'float', low: 1e-5, high: 1e-1, log: true },
  dropout: { kind: 'float', low: 0, high: 0.5 },
};
const objectives = [{ name: 'loss', direction: 'minimize' }] as const;

function proposals(seed: number, count: number) {
  const strategy = randomSearch();
  const history: TrialRecord[] = [];
  for (let number = 0; number < count; number += 1) {
    const params = strategy.propose({ space, objectives, history, seed, trialNumber: number })!;
    history.push({ number, params, state: 'complete', values: [number] });
  }
  return history.map((trial) => trial.params);
}

describe('random search', () => {
  it('gives the same trials for the same seed, and other trials for another seed', () => {
    expect(proposals(7, 20)).toEqual(proposals(7, 20));
    expect(proposals(8, 20)).not.toEqual(proposals(7, 20));
  });

  it('draws every choice and both ends of an int range, uniformly', () => {
    const drawn = proposals(3, 3000);
    const count = (name: string, value: unknown) =>
      drawn.filter((params) => params[name] === value).length;
    for (const quantizer of ['integer', 'minifloat', 'log']) {
      expect(count('quantizer', quantizer)).toBeGreaterThan(900);
    }
    for (const blocks of [1, 2, 3, 4]) expect(count('blocks', blocks)).toBeGreaterThan(650);
  });

  it('draws log-scale parameters log-uniformly, within their range', () => {
    const rates = proposals(5, 3000).map((params) => params.rate as number);
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(1e-5);
    expect(Math.max(...rates)).toBeLessThanOrEqual(1e-1);
    // Log-uniform on [1e-5, 1e-1]: each decade holds a quarter of the draws.
    const belowMilli = rates.filter((rate) => rate < 1e-3).length / rates.length;
    expect(belowMilli).toBeGreaterThan(0.45);
    expect(belowMilli).toBeLessThan(0.55);
    const channels = proposals(5, 3000).map((params) => params.channels as number);
    expect(channels.every((value) => Number.isInteger(value) && value >= 1 && value <= 1024)).toBe(
      true,
    );
    expect(channels.filter((value) => value <= 32).length / channels.length).toBeGreaterThan(0.4);
  });

  it('rejects options it does not have', () => {
    expect(() => randomEntry.create({ nStartupTrials: 3 })).toThrowError(
      'strategy "random" has no option "nStartupTrials": it takes no options',
    );
  });
});
