import { getRegistry, loadPlugins, type SearchSpace, type TrialRecord } from '@machop/core/base';
import { beforeAll, describe, expect, it } from 'vitest';
import { searchStrategiesPlugin } from './index.js';

// A mixed space and a deterministic objective, so a whole search is a function of its seed.
const space: SearchSpace = {
  quantizer: { kind: 'categorical', choices: ['integer', 'minifloat', 'log'] },
  width: { kind: 'ordinal', choices: [2, 4, 8, 16] },
  rate: { kind: 'float', low: 1e-4, high: 1, log: true },
};
const objectives = [
  { name: 'loss', direction: 'minimize' },
  { name: 'bits', direction: 'minimize' },
] as const;
function evaluate(params: TrialRecord['params']): number[] {
  const width = params.width as number;
  const penalty = params.quantizer === 'integer' ? 0 : 0.3;
  return [penalty + 1 / width + Math.abs(Math.log10(params.rate as number) + 2), width];
}

const names = ['brute-force', 'random', 'tpe', 'nsga2'];
// Small generations, so that 40 trials breed several.
const options: Record<string, Record<string, unknown>> = { nsga2: { populationSize: 8 } };

function search(name: string, seed: number, count: number, start: TrialRecord[] = []) {
  const strategy = getRegistry()
    .strategies.get(name)
    .create(options[name] ?? {});
  const history = [...start];
  const finite: SearchSpace =
    name === 'brute-force' ? { ...space, rate: { kind: 'ordinal', choices: [1e-3, 1e-2] } } : space;
  while (history.length < count) {
    const number = history.length;
    const params = strategy.propose({
      space: finite,
      objectives,
      history,
      seed,
      trialNumber: number,
    });
    if (params === undefined) break;
    history.push({ number, params, state: 'complete', values: evaluate(params) });
  }
  return history;
}

describe('the strategies plugin', () => {
  beforeAll(async () => {
    await loadPlugins([searchStrategiesPlugin]);
  });

  it('registers every strategy, each with a one-line description', () => {
    for (const name of names) {
      const entry = getRegistry().strategies.get(name);
      expect(entry.description).not.toMatch(/\n/);
      expect(entry.plugin).toBe('@machop/search');
    }
  });

  it.each(names)('%s: the same seed gives the same trials', (name) => {
    expect(search(name, 11, 40)).toEqual(search(name, 11, 40));
  });

  it.each(names)('%s: a search killed and resumed ends with the same trials', (name) => {
    const uninterrupted = search(name, 5, 40);
    for (const killedAt of [0, 7, 23]) {
      // The kill lost the trial in flight: only the saved history is left.
      const resumed = search(name, 5, 40, structuredClone(uninterrupted.slice(0, killedAt)));
      expect(resumed).toEqual(uninterrupted);
    }
  });
});
