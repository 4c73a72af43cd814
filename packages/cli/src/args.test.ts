import { describe, expect, it } from 'vitest';
import { camelCase, kebabCase, parseArgs, suggestedFlags, type FlagSpec } from './args.js';
import { parseDuration } from './time.js';

const specs: FlagSpec[] = [
  { name: 'max-epochs', type: 'integer', min: 1, description: '' },
  { name: 'learning-rate', type: 'number', min: 0, minInclusive: false, description: '' },
  { name: 'optimizer', type: 'string', choices: ['adam', 'sgd'], description: '' },
  { name: 'test', type: 'boolean', description: '' },
  { name: 'hidden', type: 'number-list', description: '' },
  { name: 'plugin', type: 'string-list', repeatable: true, description: '' },
  { name: 'help', type: 'boolean', short: 'h', description: '' },
];

describe('parseArgs', () => {
  it('reads positionals, values in both spellings, booleans, negations, lists and repeats', () => {
    const parsed = parseArgs(
      [
        'jsc-tiny',
        '--max-epochs',
        '10',
        '--learning-rate=1e-3',
        'jsc',
        '--no-test',
        '--hidden',
        '64,32',
        '--plugin',
        'a',
        '--plugin=b',
        '-h',
        '--',
        '--raw',
      ],
      specs,
      'ch train',
    );
    expect(parsed.positionals).toEqual(['jsc-tiny', 'jsc', '--raw']);
    expect(Object.fromEntries(parsed.flags)).toEqual({
      'max-epochs': 10,
      'learning-rate': 0.001,
      test: false,
      hidden: [64, 32],
      plugin: ['a', 'b'],
      help: true,
    });
  });

  it('explains bad values with the flag and what it expects', () => {
    expect(() => parseArgs(['--max-epochs', '2.5'], specs, 'ch train')).toThrowError(
      '--max-epochs: expected a whole number, got "2.5"',
    );
    expect(() => parseArgs(['--max-epochs', '0'], specs, 'ch train')).toThrowError(
      '--max-epochs: expected a number >= 1, got "0"',
    );
    expect(() => parseArgs(['--learning-rate', '0'], specs, 'ch train')).toThrowError(
      '--learning-rate: expected a number > 0, got "0"',
    );
    expect(() => parseArgs(['--optimizer', 'rmsprop'], specs, 'ch train')).toThrowError(
      '--optimizer: expected one of adam, sgd, got "rmsprop"',
    );
    expect(() => parseArgs(['--max-epochs'], specs, 'ch train')).toThrowError(
      'flag --max-epochs needs a value: ch train --max-epochs <value>',
    );
    expect(() => parseArgs(['--hidden', '64,x'], specs, 'ch train')).toThrowError(
      '--hidden: expected a number, got "64,x"',
    );
  });

  it('suggests the closest flag for an unknown one', () => {
    expect(() => parseArgs(['--max-epoch', '3'], specs, 'ch train')).toThrowError(
      'unknown flag --max-epoch for ch train: did you mean --max-epochs? (run "ch train --help" to see its flags)',
    );
  });
});

describe('names and durations', () => {
  it('converts between flag and option names', () => {
    expect(camelCase('label-column')).toBe('labelColumn');
    expect(kebabCase('labelColumn')).toBe('label-column');
    expect(kebabCase('max_epochs')).toBe('max-epochs');
  });

  it('reads Lightning-style durations and plain seconds', () => {
    expect(parseDuration('00:30:00', '--max-time')).toBe(1800);
    expect(parseDuration('01:00:00:00', '--max-time')).toBe(86400);
    expect(parseDuration('90', '--max-time')).toBe(90);
    expect(parseDuration('1:30', '--max-time')).toBe(90);
    expect(() => parseDuration('half an hour', '--max-time')).toThrowError(
      /^--max-time: expected a duration such as 00:30:00/,
    );
    expect(() => parseDuration('0', '--max-time')).toThrowError(/expected a duration/);
  });
});

describe('suggestedFlags', () => {
  const names = ['max-epochs', 'batch-size', 'learning-rate', 'weight-decay', 'seed', 'json'];

  it('knows a flag by its initials and by one of its words', () => {
    expect(suggestedFlags('lr', names)[0]).toBe('learning-rate');
    expect(suggestedFlags('bs', names)[0]).toBe('batch-size');
    expect(suggestedFlags('wd', names)[0]).toBe('weight-decay');
    expect(suggestedFlags('epochs', names)[0]).toBe('max-epochs');
  });

  it('still suggests by spelling', () => {
    expect(suggestedFlags('jsn', names)).toEqual(['json']);
  });

  it('suggests --learning-rate for --lr in the error', () => {
    expect(() => parseArgs(['--lr', '1e-3'], specs, 'ch train')).toThrow(
      'unknown flag --lr for ch train: did you mean --learning-rate?',
    );
  });
});
