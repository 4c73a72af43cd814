import type { SearchSpace, TrialRecord } from '@machop/core/base';
import { describe, expect, it } from 'vitest';
import { bruteForce, bruteForceEntry, configurationAt, countConfigurations } from './index.js';

// MASE's jsc-tiny mixed-precision space "by name": one quantized linear layer, 2 x 3 x 3 choices.
const jscTinyByName: SearchSpace = {
  'seq_blocks_2/data_in_width': { kind: 'ordinal', choices: [4, 8] },
  'seq_blocks_2/weight_width': { kind: 'ordinal', choices: [2, 4, 8] },
  'seq_blocks_2/bias_width': { kind: 'ordinal', choices: [2, 4, 8] },
};
const objectives = [{ name: 'accuracy', direction: 'maximize' }] as const;

function run(space: SearchSpace, history: TrialRecord[] = [], limit = 1000): TrialRecord[] {
  const strategy = bruteForce();
  const trials = [...history];
  while (trials.length < limit) {
    const params = strategy.propose({
      space,
      objectives,
      history: trials,
      seed: 1,
      trialNumber: trials.length,
    });
    if (params === undefined) break;
    trials.push({ number: trials.length, params, state: 'complete', values: [0.5] });
  }
  return trials;
}

describe('brute force', () => {
  it('enumerates the 18 configurations of jsc-tiny by name, each once, then stops', () => {
    const trials = run(jscTinyByName);
    expect(countConfigurations(jscTinyByName)).toBe(18);
    expect(trials).toHaveLength(18);
    const keys = new Set(trials.map((trial) => JSON.stringify(trial.params)));
    expect(keys.size).toBe(18);
    // A fixed order: the last parameter changes fastest.
    expect(trials[0].params).toEqual(configurationAt(jscTinyByName, 0));
    expect(trials[1].params).toEqual({
      'seq_blocks_2/data_in_width': 4,
      'seq_blocks_2/weight_width': 2,
      'seq_blocks_2/bias_width': 4,
    });
    expect(trials[17].params).toEqual({
      'seq_blocks_2/data_in_width': 8,
      'seq_blocks_2/weight_width': 8,
      'seq_blocks_2/bias_width': 8,
    });
  });

  it('skips what any earlier trial holds, running or failed, and repeats nothing', () => {
    const history: TrialRecord[] = [
      { number: 0, params: configurationAt(jscTinyByName, 5), state: 'running' },
      { number: 1, params: configurationAt(jscTinyByName, 0), state: 'failed' },
      { number: 2, params: { 'seq_blocks_2/data_in_width': 16 }, state: 'complete', values: [1] },
    ];
    const trials = run(jscTinyByName, history);
    expect(trials).toHaveLength(3 + 16);
    expect(trials[3].params).toEqual(configurationAt(jscTinyByName, 1));
    const keys = new Set(trials.slice(3).map((trial) => JSON.stringify(trial.params)));
    expect(keys.size).toBe(16);
    expect(keys.has(JSON.stringify(configurationAt(jscTinyByName, 5)))).toBe(false);
  });

  it('enumerates categorical choices of any type, in order', () => {
    const space: SearchSpace = {
      name: { kind: 'categorical', choices: ['integer', 'minifloat', true] },
    };
    expect(run(space).map((trial) => trial.params.name)).toEqual(['integer', 'minifloat', true]);
  });

  it('refuses a range with one clear line', () => {
    const space: SearchSpace = {
      width: { kind: 'ordinal', choices: [4, 8] },
      rate: { kind: 'float', low: 0.001, high: 0.1, log: true },
    };
    expect(() => run(space)).toThrowError(
      /^brute force needs choices, but search space parameter "rate" is a float range \[0\.001, 0\.1\]: list its values as choices or use another strategy/,
    );
  });

  it('takes no options', () => {
    expect(() => bruteForceEntry.create({ seed: 1 })).toThrowError(
      'strategy "brute-force" has no option "seed": it takes no options',
    );
  });
});
