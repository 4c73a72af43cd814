import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BuiltSearchSpace } from '@machop/core/base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bruteForce } from './brute-force.js';
import { randomSearch } from './random-search.js';
import { runStudy, STUDY_FILE, type StudyOptions } from './study.js';

// A space whose candidate is its assignment; a trial's metrics are a known function of it, so
// the study is tested on its own, with the real strategies, in milliseconds.
const space: BuiltSearchSpace<{ width: number; bias: number }> = {
  space: {
    width: { kind: 'ordinal', choices: [2, 4, 8] },
    bias: { kind: 'ordinal', choices: [2, 4, 8] },
  },
  realize: (assignment) => ({
    candidate: { width: Number(assignment.width), bias: Number(assignment.bias) },
    config: { ...assignment },
  }),
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'machop-study-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const options = (
  trials: number,
  overrides: Partial<StudyOptions<{ width: number; bias: number }>> = {},
): StudyOptions<{ width: number; bias: number }> => ({
  dir,
  id: 'test',
  fingerprint: { space: 'widths' },
  space,
  strategy: randomSearch(),
  scoring: {
    metrics: [
      { name: 'accuracy', scale: 1, direction: 'maximize' },
      { name: 'average_bitwidth', scale: 0.2, direction: 'minimize' },
    ],
  },
  seed: 5,
  trials,
  evaluate: ({ width, bias }) => ({ accuracy: 1 - 1 / (width * bias), average_bitwidth: width }),
  ...overrides,
});

const withoutTimes = (trials: { start: string; complete: string }[]) =>
  trials.map(({ start: _start, complete: _complete, ...rest }) => rest);

describe('runStudy', () => {
  it('scales the metrics as MASE does and records each trial', async () => {
    const { state, end } = await runStudy(options(2));
    expect(end).toBe('trials');
    const [first] = state.trials;
    expect(first.values).toEqual([
      first.softwareMetrics.accuracy,
      0.2 * first.hardwareMetrics.average_bitwidth,
    ]);
    expect(first.scaledMetrics).toEqual({
      accuracy: first.values![0],
      average_bitwidth: first.values![1],
    });
  });

  it('resumes from its saved state to the trials of an uninterrupted study', async () => {
    const whole = await runStudy(options(7, { dir: path.join(dir, 'whole') }));
    await runStudy(options(3));
    const saved = JSON.parse(await readFile(path.join(dir, STUDY_FILE), 'utf8')) as {
      trials: unknown[];
    };
    expect(saved.trials).toHaveLength(3);
    const resumed = await runStudy(options(7));
    expect(resumed.resumedFrom).toBe(3);
    expect(withoutTimes(resumed.state.trials)).toEqual(withoutTimes(whole.state.trials));
  });

  it('stops when brute force has tried every configuration', async () => {
    const { state, end } = await runStudy(options(100, { strategy: bruteForce() }));
    expect(end).toBe('exhausted');
    expect(state.trials).toHaveLength(9);
  });

  it('sums the scaled metrics into one objective, subtracting those that go the other way', async () => {
    const { state } = await runStudy(
      options(1, {
        scoring: { ...options(1).scoring, sum: { direction: 'maximize' } },
      }),
    );
    const [trial] = state.trials;
    expect(trial.values).toEqual([
      trial.scaledMetrics.accuracy - trial.scaledMetrics.average_bitwidth,
    ]);
  });

  it('refuses a saved state of other settings instead of mixing two searches', async () => {
    await writeFile(
      path.join(dir, STUDY_FILE),
      JSON.stringify({
        format: 'machop-search-study',
        version: 1,
        id: 'other',
        fingerprint: { space: 'other' },
        trials: [],
      }),
    );
    await expect(runStudy(options(2))).rejects.toThrowError(/holds search other of other settings/);
  });
});
