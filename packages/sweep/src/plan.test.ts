import { describe, expect, it } from 'vitest';
import { parseGridFlag, rangeValues } from './parameters.js';
import {
  checkParameterNames,
  DEFAULT_METRIC,
  planTrials,
  sweepId,
  sweepPoints,
  trialCount,
  type SweepDefinition,
} from './plan.js';

const grid = (...flags: string[]): SweepDefinition => ({
  method: 'grid',
  metric: { name: 'val_acc_epoch', goal: 'maximize' },
  parameters: Object.fromEntries(
    flags.map((flag) => {
      const { name, spec } = parseGridFlag(flag);
      return [name, spec];
    }),
  ),
});

describe('grid flags', () => {
  it('reads lists with typed values', () => {
    expect(parseGridFlag('batch-size=64,128')).toEqual({
      name: 'batch-size',
      spec: { values: [64, 128] },
    });
    expect(parseGridFlag('optimizer=adam, sgd').spec).toEqual({ values: ['adam', 'sgd'] });
    expect(parseGridFlag('test=true,false').spec).toEqual({ values: [true, false] });
  });

  it('expands log and linear ranges, rounding whole-number bounds to whole numbers', () => {
    expect(rangeValues('1e-6:1e-1:log:6', 'x')).toEqual([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1]);
    expect(rangeValues('64:2048:log:6', 'x')).toEqual([64, 128, 256, 512, 1024, 2048]);
    expect(rangeValues('0.0:1:lin:5', 'x')).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(rangeValues('1:3:lin:5', 'x')).toEqual([1, 2, 3]);
    expect(rangeValues('0.5:0.5:lin:1', 'x')).toEqual([0.5]);
  });

  it('refuses what does not parse, in one line naming the flag', () => {
    expect(() => parseGridFlag('batch-size=')).toThrow(/^--grid batch-size=: empty grid/);
    expect(() => parseGridFlag('batch-size')).toThrow(/no setting name/);
    expect(() => parseGridFlag('lr=1e-6:abc:log:6')).toThrow(/range bound "abc" is not a number/);
    expect(() => parseGridFlag('lr=1e-6:1e-1:cube:6')).toThrow(/scale must be log or lin/);
    expect(() => parseGridFlag('lr=1e-6:1e-1:log')).toThrow(/does not parse/);
    expect(() => parseGridFlag('lr=0:1:log:3')).toThrow(/log range needs bounds above 0/);
    expect(() => parseGridFlag('lr=1:2:lin:0')).toThrow(/count must be a whole number/);
    expect(() => parseGridFlag('bs=64,,128')).toThrow(/empty value/);
    for (const bad of ['x=', 'x=1:2:lin:0'])
      expect(() => parseGridFlag(bad)).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
  });
});

describe('planTrials', () => {
  it('forms the product of grids, times seeds, named by the varied values', () => {
    const definition = grid('batch-size=64,128', 'learning-rate=0.01,0.001', 'seed=0,1');
    const trials = planTrials(definition);
    expect(trials.map((trial) => trial.name)).toEqual([
      'bs64_lr0.01_s0',
      'bs64_lr0.01_s1',
      'bs64_lr0.001_s0',
      'bs64_lr0.001_s1',
      'bs128_lr0.01_s0',
      'bs128_lr0.01_s1',
      'bs128_lr0.001_s0',
      'bs128_lr0.001_s1',
    ]);
    expect(trials[3]).toEqual({
      name: 'bs64_lr0.001_s1',
      point: { 'batch-size': 64, 'learning-rate': 0.001 },
      fixed: {},
      seed: 1,
    });
  });

  it('keeps one-value settings out of names and points, and names stay unique and safe', () => {
    const trials = planTrials(grid('max-epochs=3', 'data-dir=/a b,/c', 'hidden=x/y,x y'));
    expect(trials.map((trial) => trial.name)).toEqual([
      'data-dir-a-b_hiddenx-y_s0',
      'data-dir-a-b_hiddenx-y_s0_2',
      'data-dir-c_hiddenx-y_s0',
      'data-dir-c_hiddenx-y_s0_2',
    ]);
    expect(trials[0].fixed).toEqual({ 'max-epochs': 3 });
    for (const trial of trials) expect(trial.name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
  });

  it('runs a single point once per seed', () => {
    expect(planTrials(grid('seed=0,1,2')).map((trial) => trial.name)).toEqual(['s0', 's1', 's2']);
  });

  it('samples random points reproducibly within their ranges', () => {
    const definition: SweepDefinition = {
      method: 'random',
      metric: { name: 'val_acc_epoch', goal: 'maximize' },
      count: 20,
      sampleSeed: 3,
      parameters: {
        'learning-rate': { min: 1e-6, max: 1e-1, distribution: 'log_uniform_values' },
        'batch-size': { min: 16, max: 64, distribution: 'int_uniform' },
        optimizer: { values: ['adam', 'sgd'] },
      },
    };
    const points = sweepPoints(definition);
    expect(points).toHaveLength(20);
    expect(sweepPoints(definition)).toEqual(points);
    expect(sweepPoints({ ...definition, sampleSeed: 4 })).not.toEqual(points);
    for (const point of points) {
      expect(point['learning-rate']).toBeGreaterThanOrEqual(1e-6);
      expect(point['learning-rate']).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(point['batch-size'])).toBe(true);
      expect(point['batch-size']).toBeGreaterThanOrEqual(16);
      expect(point['batch-size']).toBeLessThanOrEqual(64);
      expect(['adam', 'sgd']).toContain(point.optimizer);
    }
    // Log-uniform: about as many draws below 1e-3.5 as above.
    const low = points.filter((point) => (point['learning-rate'] as number) < 10 ** -3.5).length;
    expect(low).toBeGreaterThan(3);
    expect(low).toBeLessThan(17);
    expect(() => sweepPoints({ ...definition, count: undefined })).toThrow(/needs a count/);
  });

  it('refuses a range in a grid and an unknown setting', () => {
    expect(() =>
      planTrials({
        method: 'grid',
        metric: { name: 'val_acc_epoch', goal: 'maximize' },
        parameters: { 'learning-rate': { min: 0.1, max: 1, distribution: 'uniform' } },
      }),
    ).toThrow(/cannot enumerate/);
    expect(() =>
      checkParameterNames(
        grid('batch-sise=1,2').parameters,
        ['batch-size', 'seed'],
        (name) => `--grid ${name}`,
      ),
    ).toThrow('--grid batch-sise: unknown setting "batch-sise"; did you mean batch-size?');
  });
});

describe('sweepId', () => {
  it('is the same for the same sweep and differs when anything differs', () => {
    const definition = grid('batch-size=64,128', 'seed=0,1');
    const id = sweepId(definition, { model: 'jsc-tiny', epochs: 3 });
    expect(id).toMatch(/^bs-[0-9a-f]{8}$/);
    expect(sweepId(grid('batch-size=64,128', 'seed=0,1'), { epochs: 3, model: 'jsc-tiny' })).toBe(
      id,
    );
    expect(sweepId(definition, { model: 'jsc-tiny', epochs: 4 })).not.toBe(id);
    expect(
      sweepId(grid('batch-size=64,256', 'seed=0,1'), { model: 'jsc-tiny', epochs: 3 }),
    ).not.toBe(id);
  });
});

describe('trialCount', () => {
  it('counts the trials planTrials makes, values listed twice once, without expanding', () => {
    const definition: SweepDefinition = {
      method: 'grid',
      metric: DEFAULT_METRIC,
      parameters: {
        'batch-size': { values: [64, 128, 64] },
        optimizer: { values: ['adam', 'sgd'] },
        seed: { values: [0, 1] },
      },
    };
    expect(trialCount(definition)).toBe(8);
    expect(planTrials(definition)).toHaveLength(8);
    const huge = parseGridFlag('learning-rate=1e-6:1e-1:log:200000');
    expect(trialCount({ ...definition, parameters: { 'learning-rate': huge.spec } })).toBe(200000);
  });
});
