import { describe, expect, it } from 'vitest';
import { fixtureText } from './fixtures.js';
import { syntheticJscArff } from './synthetic-jsc.js';

describe('the synthetic JSC fixture', () => {
  it('is exactly what the seeded generator writes, so it can be regenerated', () => {
    expect(fixtureText('jsc-synthetic.arff')).toBe(
      syntheticJscArff({ rows: 400, seed: 7, duplicates: 6 }),
    );
  });

  it('says in the file that it is synthetic', () => {
    expect(fixtureText('jsc-synthetic.arff').split('\n')[0]).toMatch(
      /^% SYNTHETIC DATA .*not real jets/,
    );
  });
});
