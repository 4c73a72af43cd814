import { ConfigError, closestNames } from '@machop/core';
import { camelName, kebabName, type SettingValue } from '@machop/runs';

export {
  runSettings,
  kebabName,
  camelName,
  varyingSettings,
  formatValue,
  compareValues,
  type SettingValue,
} from '@machop/runs';

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
