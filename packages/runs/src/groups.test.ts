import { describe, expect, it } from 'vitest';
import { groupBySettings, varyingSettings, type SettingValue } from './groups.js';

const run = (entries: Record<string, SettingValue>) => new Map(Object.entries(entries));

describe('varyingSettings', () => {
  it('studies only settings whose recorded values differ', () => {
    const runs = [
      run({ 'batch-size': 64, threads: 2, seed: 0 }),
      run({ 'batch-size': 256, threads: 2, seed: 1 }),
      // An older run that did not record threads: threads is still constant.
      run({ 'batch-size': 256, seed: 2 }),
    ];
    expect(varyingSettings(runs)).toEqual(['batch-size', 'seed']);
  });
});

describe('groupBySettings', () => {
  const runs = [
    run({ 'batch-size': 256, 'learning-rate': 0.001, seed: 0 }),
    run({ 'batch-size': 64, 'learning-rate': 0.001, seed: 0 }),
    run({ 'batch-size': 64, 'learning-rate': 0.001, seed: 1 }),
    run({ 'batch-size': 64, 'learning-rate': 0.01, seed: 0 }),
  ];

  it('groups repeats that differ only by seed, named by what differs, sorted by value', () => {
    const { groups, keys } = groupBySettings(runs, (one) => one);
    expect(keys).toEqual(['batch-size', 'learning-rate']);
    expect(groups.map((group) => [group.label, group.runs.length])).toEqual([
      ['batch-size=64, learning-rate=0.001', 2],
      ['batch-size=64, learning-rate=0.01', 1],
      ['batch-size=256, learning-rate=0.001', 1],
    ]);
    expect(groups.every((group) => group.mixed.length === 0)).toBe(true);
  });

  it('says which other settings a group mixes', () => {
    const { groups } = groupBySettings(runs, (one) => one, ['batch-size']);
    expect(groups.map((group) => [group.label, group.mixed])).toEqual([
      ['batch-size=64', ['learning-rate']],
      ['batch-size=256', []],
    ]);
  });
});
