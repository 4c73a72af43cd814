import { describe, expect, it } from 'vitest';
import { counted } from './words.js';

describe('counted', () => {
  it('says "1 worker" and "2 workers"', () => {
    expect(counted(1, 'worker')).toBe('1 worker');
    expect(counted(2, 'worker')).toBe('2 workers');
    expect(counted(0, 'trial')).toBe('0 trials');
  });
});
