import type { RunInfo } from '@machop/runs';
import { describe, expect, it } from 'vitest';
import { TRAIN_FLAGS } from './flags.js';
import { withRunSettings } from './resume-settings.js';
import { resolveSettings } from './settings.js';
import { settingsTable } from './settings-table.js';

/** A run as readRun gives it, with the options its config.json records. */
function savedRun(options: Record<string, unknown>): RunInfo {
  return { config: { options } } as unknown as RunInfo;
}

const RUN_DIR =
  '/home/someone/projects/lab1/machop_output/jsc-tiny_jsc_2026-12-07/2026-12-07T10-00-00_0';

describe('ch train --resume RUN settings', () => {
  it("shows the run's own settings, marked as the run's, not the defaults", () => {
    const settings = resolveSettings(TRAIN_FLAGS, new Map([['resume', RUN_DIR]]), undefined);
    withRunSettings(
      settings,
      savedRun({
        maxEpochs: 5,
        batchSize: 256,
        learningRate: 0.001,
        mode: 'min',
        earlyStoppingPatience: null,
        split: { seed: 7, testFraction: 0.2, valFraction: 0.1 },
        modelOptions: { hidden: 32 },
      }),
    );
    expect(settings.get('max-epochs')).toEqual({ value: 5, source: 'run' });
    expect(settings.get('batch-size')).toEqual({ value: 256, source: 'run' });
    expect(settings.get('learning-rate')).toEqual({ value: 0.001, source: 'run' });
    expect(settings.get('mode')).toEqual({ value: 'min', source: 'run' });
    expect(settings.get('split-seed')).toEqual({ value: 7, source: 'run' });
    expect(settings.get('hidden')).toEqual({ value: 32, source: 'run' });
    expect(settings.has('early-stopping-patience')).toBe(false);
    // Not the run's settings: where it lives and how this process computes.
    expect(settings.get('project-dir')?.source).toBe('default');
    expect(settings.get('backend')?.source).toBe('default');
  });

  it('keeps a setting given on the command line', () => {
    const settings = resolveSettings(
      TRAIN_FLAGS,
      new Map<string, unknown>([
        ['resume', RUN_DIR],
        ['max-epochs', 9],
      ]),
      undefined,
    );
    withRunSettings(settings, savedRun({ maxEpochs: 5 }));
    expect(settings.get('max-epochs')).toEqual({ value: 9, source: 'flag' });
  });

  it('fits 80 columns, with a long run path under the table', () => {
    const settings = resolveSettings(TRAIN_FLAGS, new Map([['resume', RUN_DIR]]), undefined);
    const table = settingsTable(settings, undefined);
    const lines = table.trimEnd().split('\n');
    // The path itself cannot be shortened: it stands alone on the last line, not in every row.
    expect(lines.at(-1)).toBe(`resume (flag): ${RUN_DIR}`);
    for (const line of lines.slice(0, -1)) expect(line.length).toBeLessThanOrEqual(80);
  });
});
