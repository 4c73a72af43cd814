import { ConfigError, closestNames } from '@machop/core';
import { camelName, kebabName, type SettingValue } from '@machop/runs';

export { runSettings, kebabName, camelName, type SettingValue } from '@machop/runs';

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
