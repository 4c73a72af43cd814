import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planTrials } from './plan.js';
import { readSweepFile } from './sweep-file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'machop-sweep-file-'));
function file(name: string, text: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
}

const TOML = `method = "grid"

[metric]
name = "val_acc_epoch"
goal = "maximize"

[parameters.batch-size]
values = [64, 128]

[parameters.learning_rate]
value = 0.01

[parameters.seed]
values = [0, 1]
`;

const YAML = `method: random
count: 4
metric:
  name: val_loss_epoch
parameters:
  learning-rate:
    min: 0.000001
    max: 0.1
    distribution: log_uniform_values
  batch-size:
    values: [64, 128]
`;

describe('readSweepFile', () => {
  it('reads a W&B-shaped TOML file into trials', async () => {
    const { definition } = await readSweepFile(file('study.toml', TOML));
    expect(definition).toEqual({
      method: 'grid',
      metric: { name: 'val_acc_epoch', goal: 'maximize' },
      parameters: {
        'batch-size': { values: [64, 128] },
        'learning-rate': { value: 0.01 },
        seed: { values: [0, 1] },
      },
    });
    expect(planTrials(definition).map((trial) => trial.name)).toEqual([
      'bs64_s0',
      'bs64_s1',
      'bs128_s0',
      'bs128_s1',
    ]);
  });

  it('reads YAML, with the goal following the metric name', async () => {
    const { definition } = await readSweepFile(file('study.yaml', YAML));
    expect(definition.metric).toEqual({ name: 'val_loss_epoch', goal: 'minimize' });
    expect(definition.count).toBe(4);
    expect(definition.parameters['learning-rate']).toEqual({
      min: 1e-6,
      max: 0.1,
      distribution: 'log_uniform_values',
    });
    expect(planTrials(definition)).toHaveLength(4);
  });

  it('names the file and line of an unknown key, in TOML and YAML', async () => {
    const toml = file(
      'typo.toml',
      TOML.replace('goal = "maximize"', 'goal = "maximize"\ntarget = 1'),
    );
    await expect(readSweepFile(toml)).rejects.toThrow(
      `${toml}:6: unknown key "metric.target" (allowed here: name, goal)`,
    );
    const yaml = file('typo.yaml', YAML.replace('    values: [64, 128]', '    vals: [64, 128]'));
    await expect(readSweepFile(yaml)).rejects.toThrow(
      `${yaml}:11: unknown key "parameters.batch-size.vals"`,
    );
    const top = file('top.toml', `early_terminate = 1\n${TOML}`);
    await expect(readSweepFile(top)).rejects.toThrow(`${top}:1: unknown key "early_terminate"`);
  });

  it('refuses empty lists, bad distributions and files that do not parse', async () => {
    const empty = file('empty.toml', TOML.replace('values = [64, 128]', 'values = []'));
    await expect(readSweepFile(empty)).rejects.toThrow(`${empty}:8: empty grid`);
    const bad = file('bad.yaml', YAML.replace('log_uniform_values', 'normal'));
    await expect(readSweepFile(bad)).rejects.toThrow(
      /bad\.yaml:9: learning-rate\.distribution must be one of/,
    );
    const broken = file('broken.toml', 'method = \n');
    await expect(readSweepFile(broken)).rejects.toThrow(/broken\.toml:1: not valid TOML/);
    await expect(readSweepFile(path.join(dir, 'none.toml'))).rejects.toThrow(/file not found/);
  });
});
