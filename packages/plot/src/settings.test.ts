import { describe, expect, it } from 'vitest';
import { readPlotRuns } from './runs.js';
import { resolveSettingNames, runSettings, varyingSettings } from './settings.js';
import { tempProjectDir, writeRun } from './test-runs.js';

describe('run settings', () => {
  it("names a run's resolved options as flags, with nested options flattened and paths left out", async () => {
    const root = tempProjectDir();
    writeRun(root, 'p', { id: 'a', batchSize: 64, learningRate: 0.01, seed: 3 });
    const [{ run }] = await readPlotRuns(root, { project: 'p' });
    const settings = runSettings(run);
    expect(settings.get('batch-size')).toBe(64);
    expect(settings.get('learning-rate')).toBe(0.01);
    expect(settings.get('seed')).toBe(3);
    expect(settings.get('split-seed')).toBe(42);
    expect(settings.get('val-fraction')).toBe(0.1);
    expect(settings.get('model')).toBe('jsc-tiny');
    expect(settings.has('project-dir')).toBe(false);
    expect(settings.has('project')).toBe(false);
  });

  it('finds the settings that differ and accepts kebab or camel case names for them', async () => {
    const root = tempProjectDir();
    writeRun(root, 'p', { id: 'a', batchSize: 64, seed: 0 });
    writeRun(root, 'p', { id: 'b', batchSize: 128, seed: 1 });
    const settings = (await readPlotRuns(root, { project: 'p' })).map(({ run }) =>
      runSettings(run),
    );
    expect(varyingSettings(settings).sort()).toEqual(['batch-size', 'seed']);
    expect(resolveSettingNames(['batchSize', 'learning-rate'], settings)).toEqual([
      'batch-size',
      'learning-rate',
    ]);
    expect(() => resolveSettingNames(['batch'], settings)).toThrow(
      /--group-by batch: no run has a setting of that name; did you mean batch-size/,
    );
  });
});
