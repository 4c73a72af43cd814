import { ConfigError, closestNames } from '@machop/core';
import type { RunInfo } from '@machop/runs';

/** A setting's value as a legend or an axis shows it. */
export type SettingValue = string | number | boolean | null;

// Options that say where a run lives or how it was started, not how it was trained: two runs
// that differ only in these are repeats of one setting.
const NOT_SETTINGS = new Set([
  'projectDir',
  'project',
  'runId',
  'load',
  'resume',
  'cacheDir',
  'config',
]);

/** `batchSize` → `batch-size`: the name a user types as a flag. */
export function kebabName(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** `batch-size` → `batchSize`: the name config.json keeps the option under. */
export function camelName(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function scalar(value: unknown): SettingValue | undefined {
  if (value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  return undefined;
}

/**
 * The settings a run was trained with, by kebab-case flag name (`batch-size`): the resolved
 * trainer options of its config.json, with the model's and data set's options and the split's
 * fields flattened in beside them. Where the run lives (`project-dir`, `project`) is left out.
 */
export function runSettings(run: RunInfo): Map<string, SettingValue> {
  const settings = new Map<string, SettingValue>();
  const options = (run.config.options ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(options)) {
    if (NOT_SETTINGS.has(name)) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      // modelOptions, datasetOptions and split: their fields are settings in their own right
      // (`--hidden 16`, `--split-seed 42`), so they are named as the flags that set them.
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) {
        const flat = scalar(innerValue);
        const key = name === 'split' && inner === 'seed' ? 'splitSeed' : inner;
        if (flat !== undefined && !settings.has(kebabName(key))) settings.set(kebabName(key), flat);
      }
      continue;
    }
    const flat = scalar(value);
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

/** The names of the settings whose values are not the same in every run, in a stable order. */
export function varyingSettings(settings: readonly Map<string, SettingValue>[]): string[] {
  const names = new Set(settings.flatMap((one) => [...one.keys()]));
  return [...names].filter((name) => {
    const values = new Set(settings.map((one) => JSON.stringify(one.get(name) ?? null)));
    return values.size > 1;
  });
}

/**
 * Check `--group-by` names against the runs' settings, accepting a flag's kebab-case name
 * (`batch-size`) or config.json's camelCase one (`batchSize`); returns kebab-case names.
 */
export function resolveSettingNames(
  names: readonly string[],
  settings: readonly Map<string, SettingValue>[],
): string[] {
  const known = [...new Set(settings.flatMap((one) => [...one.keys()]))].sort();
  return names.map((raw) => {
    const name = kebabName(camelName(raw.trim()));
    if (known.includes(name)) return name;
    const close = closestNames(name, known);
    throw new ConfigError(
      `--group-by ${raw}: no run has a setting of that name; ${close.length > 0 ? `did you mean ${close.join(', ')}? ` : ''}settings are: ${known.join(', ')}`,
    );
  });
}

/** A value as a legend shows it: numbers as JavaScript prints them (`0.001`, `1e-7`). */
export function formatValue(value: SettingValue | undefined): string {
  if (value === undefined || value === null) return '-';
  return String(value);
}

/** Order of values on a legend: numbers numerically, then the rest as text. */
export function compareValues(a: SettingValue | undefined, b: SettingValue | undefined): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return formatValue(a).localeCompare(formatValue(b));
}
