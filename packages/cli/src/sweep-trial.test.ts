import { describe, expect, it } from 'vitest';
import { oneThreadEach } from './sweep-trial.js';

describe('oneThreadEach', () => {
  it('adds --threads=1 to trial words that do not choose threads', () => {
    expect(oneThreadEach(['jsc-s', 'jsc', '--batch-size=1024', '--seed=0'])).toEqual([
      'jsc-s',
      'jsc',
      '--batch-size=1024',
      '--seed=0',
      '--threads=1',
    ]);
  });

  it('keeps the threads a sweep chose, in either form', () => {
    for (const words of [
      ['jsc-s', 'jsc', '--threads=2'],
      ['jsc-s', 'jsc', '--threads', '2'],
    ])
      expect(oneThreadEach(words)).toEqual(words);
  });
});
