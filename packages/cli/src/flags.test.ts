import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TRAIN_OPTIONS, changeableOnResume, keptOnResume } from '@machop/trainer/options';
import { describe, expect, it } from 'vitest';
import { OPTION_OF_FLAG, TRAIN_FLAGS } from './flags.js';
import { readConfigFile, resolveSettings } from './settings.js';
import { SWEEP_FLAGS, TRIAL_FLAGS } from './sweep-definition.js';

describe('the table of training options', () => {
  it('makes one ch train flag per option, with its default and help', () => {
    // The flags ch train had before the table: the table must keep every one of them.
    expect(TRAIN_FLAGS.map((flag) => flag.name)).toEqual(
      [
        'max-epochs batch-size learning-rate weight-decay optimizer scheduler step-size gamma seed',
        'log-every-n-steps monitor mode early-stopping-patience max-time test engine threads',
        'split-seed test-fraction val-fraction project name tag project-dir load resume backend',
      ]
        .join(' ')
        .split(' '),
    );
    expect(TRAIN_FLAGS.map((flag) => OPTION_OF_FLAG.get(flag.name))).toEqual(
      Object.keys(TRAIN_OPTIONS),
    );
    const batchSize = TRAIN_FLAGS.find((flag) => flag.name === 'batch-size');
    expect(batchSize).toMatchObject({
      type: 'integer',
      default: TRAIN_OPTIONS.batchSize.default,
      description: TRAIN_OPTIONS.batchSize.description,
    });
    expect(OPTION_OF_FLAG.get('tag')).toBe('tags');
    expect(OPTION_OF_FLAG.get('max-time')).toBe('maxTimeSeconds');
  });

  it("reads a settings file's keys in kebab, MASE's snake and camel case alike", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'machop-flags-'));
    const file = path.join(dir, 'settings.toml');
    writeFileSync(file, 'max_epochs = 3\nbatchSize = 64\nlearning-rate = 0.001\n');
    const config = await readConfigFile(file, dir);
    const settings = resolveSettings(TRAIN_FLAGS, new Map(), config);
    expect(settings.get('max-epochs')).toEqual({ value: 3, source: 'config' });
    expect(settings.get('batch-size')).toEqual({ value: 64, source: 'config' });
    expect(settings.get('learning-rate')).toEqual({ value: 0.001, source: 'config' });
  });

  it('says which options a resume keeps and which it may change', () => {
    expect(changeableOnResume()).toEqual([
      'maxEpochs',
      'maxTimeSeconds',
      'test',
      'engine',
      'threads',
    ]);
    expect(keptOnResume()).toContain('batchSize');
    expect(keptOnResume()).not.toContain('maxEpochs');
  });

  it('gives ch sweep its flags, and no sweep flag hides a training option', () => {
    const trial = new Set(TRIAL_FLAGS.map((flag) => flag.name));
    expect(trial.has('learning-rate')).toBe(true);
    expect(trial.has('name')).toBe(false);
    for (const flag of SWEEP_FLAGS)
      if (flag.name !== 'resume') expect(OPTION_OF_FLAG.has(flag.name)).toBe(false);
  });
});
