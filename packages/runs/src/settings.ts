import { camelCase, kebabCase } from '@machop/core/base';

import type { SettingValue } from './groups.js';

export type { SettingValue } from './groups.js';

// Options that say where a run lives, how it was started or what it is called, not how it was
// trained: two runs that differ only in these are repeats of one setting.
const NOT_SETTINGS = new Set([
  'projectDir',
  'project',
  'runId',
  'load',
  'resume',
  'cacheDir',
  'config',
  'name',
  'tags',
]);

/** `batchSize` → `batch-size`: the name a user types as a flag. */
export function kebabName(name: string): string {
  return kebabCase(name);
}

/** `batch-size` → `batchSize`: the name config.json keeps the option under. */
export function camelName(name: string): string {
  return camelCase(name);
}

/** A value as one setting: scalars as they are, a list (`--hidden 32,16`) as its JSON text. */
function settingValue(value: unknown): SettingValue | undefined {
  if (value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  if (Array.isArray(value)) return JSON.stringify(value);
  return undefined;
}

/**
 * The settings a run was trained with, by kebab-case flag name (`batch-size`): the resolved
 * trainer options of its config.json, with the model's and data set's options and the split's
 * fields flattened in beside them (the split's seed as `split-seed`). Where the run lives, how it
 * was started and its name and tags are left out.
 */
export function runSettings(run: {
  config: {
    options?: object | null;
    model?: { name?: string } | null;
    dataset?: { name?: string } | null;
    seed?: number;
  };
}): Map<string, SettingValue> {
  const settings = new Map<string, SettingValue>();
  const options = (run.config.options ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(options)) {
    if (NOT_SETTINGS.has(name)) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      // modelOptions, datasetOptions and split: their fields are settings in their own right
      // (`--hidden 16`, `--split-seed 42`), so they are named as the flags that set them.
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) {
        const flat = settingValue(innerValue);
        const key = kebabName(name === 'split' && inner === 'seed' ? 'splitSeed' : inner);
        if (flat !== undefined && !settings.has(key)) settings.set(key, flat);
      }
      continue;
    }
    const flat = settingValue(value);
    if (flat !== undefined) settings.set(kebabName(name), flat);
  }
  if (!settings.has('model') && run.config.model?.name)
    settings.set('model', run.config.model.name);
  if (!settings.has('dataset') && run.config.dataset?.name)
    settings.set('dataset', run.config.dataset.name);
  if (!settings.has('seed') && typeof run.config.seed === 'number')
    settings.set('seed', run.config.seed);
  return settings;
}
