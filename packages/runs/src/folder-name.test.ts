import { describe, expect, it } from 'vitest';
import { isFolderName } from './folder-name.js';

describe('isFolderName', () => {
  it('accepts the names projects, runs and trials get', () => {
    for (const name of ['jsc-tiny_jsc_sweeps', 'bs64_s0', '2026-01-02T03-04-05_a.b', 'A'])
      expect(isFolderName(name)).toBe(true);
  });

  it('refuses anything that is not one plain path segment', () => {
    for (const name of ['', '.', '..', '../victim', 'a/b', 'a\\b', '/abs', '.hidden', '-x', 'a b'])
      expect(isFolderName(name)).toBe(false);
    for (const value of [undefined, null, 3, ['a'], { name: 'a' }])
      expect(isFolderName(value)).toBe(false);
  });
});
