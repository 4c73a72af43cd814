import { describe, expect, it } from 'vitest';
import { camelName, kebabName, runSettings } from './settings.js';

describe('runSettings', () => {
  it('flattens resolved options into flag-named settings, lists as JSON, and leaves out where and what a run is called', () => {
    const settings = runSettings({
      config: {
        options: {
          model: 'mlp',
          dataset: 'csv',
          batchSize: 64,
          learningRate: 1e-3,
          test: true,
          earlyStoppingPatience: null,
          modelOptions: { hidden: [32, 16], batchNorm: false },
          datasetOptions: { labelColumn: 'class' },
          split: { seed: 42, valFraction: 0.1 },
          projectDir: '/tmp/out',
          project: 'p',
          name: 'bs64',
          tags: ['a'],
        },
      },
    });
    expect(Object.fromEntries(settings)).toEqual({
      model: 'mlp',
      dataset: 'csv',
      'batch-size': 64,
      'learning-rate': 1e-3,
      test: true,
      'early-stopping-patience': null,
      hidden: '[32,16]',
      'batch-norm': false,
      'label-column': 'class',
      'split-seed': 42,
      'val-fraction': 0.1,
    });
  });

  it('falls back to the config record for model, data set and seed', () => {
    const settings = runSettings({
      config: { model: { name: 'jsc-tiny' }, dataset: { name: 'jsc' }, seed: 3 },
    });
    expect(Object.fromEntries(settings)).toEqual({ model: 'jsc-tiny', dataset: 'jsc', seed: 3 });
  });

  it('turns camelCase into flag names and back', () => {
    expect(kebabName('maxEpochs')).toBe('max-epochs');
    expect(camelName('max-epochs')).toBe('maxEpochs');
  });
});
