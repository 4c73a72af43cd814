import { describe, expect, it } from 'vitest';
import { resolveEntryOptions, type OptionSpec } from './index.js';

const entry = {
  name: 'mlp',
  options: [
    { name: 'hidden', type: 'number-list', default: [64, 32], description: 'hidden widths' },
    { name: 'batchNorm', type: 'boolean', default: true, description: 'batch norm' },
    {
      name: 'activation',
      type: 'string',
      choices: ['relu', 'tanh'],
      default: 'relu',
      description: 'activation',
    },
    { name: 'data', type: 'string', required: true, description: 'the CSV file' },
  ] satisfies OptionSpec[],
};

describe('resolveEntryOptions', () => {
  it('applies defaults under the given values', () => {
    expect(resolveEntryOptions('model', entry, { data: 'x.csv', hidden: '8,4' })).toEqual({
      data: 'x.csv',
      hidden: [8, 4],
      batchNorm: true,
      activation: 'relu',
    });
  });

  it('names the option, its flag and what it expects', () => {
    expect(() =>
      resolveEntryOptions('model', entry, { data: 'x.csv', activation: 'gelu' }),
    ).toThrowError(
      'option activation (--activation) of model "mlp" must be one of relu, tanh, got "gelu"',
    );
    expect(() =>
      resolveEntryOptions('model', entry, { data: 'x.csv', batchNorm: 'yes' }),
    ).toThrowError(
      'option batchNorm (--batch-norm) of model "mlp" must be true or false, got "yes"',
    );
    expect(() => resolveEntryOptions('model', entry, {})).toThrowError(
      'model "mlp" needs option data (--data): the CSV file',
    );
    expect(() => resolveEntryOptions('model', entry, { data: 'x.csv', hiden: [1] })).toThrowError(
      'model "mlp" has no option "hiden": did you mean hidden? (see "ch info mlp")',
    );
  });
});
