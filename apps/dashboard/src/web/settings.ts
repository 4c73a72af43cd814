// Runs' settings as the page shows them: read by the server with @machop/runs' `runSettings`,
// compared and named with its `varyingSettings` and `settingsLabel`, so that the page, `ch plot`
// and `ch runs` call a run by the same settings.
import {
  formatValue,
  varyingSettings,
  type Settings,
  type SettingValue,
} from '@machop/runs/groups';
import type { RunView } from '../api-types';

export type { SettingValue };

const cache = new WeakMap<RunView, Settings>();

/** A run's settings by flag name (`batch-size`); the same object until the run list is fetched again. */
export function settingsOf(run: RunView): Settings {
  let settings = cache.get(run);
  if (!settings) {
    settings = new Map(Object.entries(run.settings ?? {}));
    cache.set(run, settings);
  }
  return settings;
}

/**
 * The settings studied among `runs`: those whose values differ, the ones a sweep varied first,
 * then the seed, then the rest by name. A setting that is the same in every run that recorded
 * it (`threads`) is not studied.
 */
export function studiedSettings(runs: readonly RunView[]): string[] {
  if (runs.length < 2) return [];
  const swept = new Set(runs.flatMap((run) => Object.keys(run.sweep?.point ?? {})));
  const rank = (key: string) => (swept.has(key) ? 0 : key === 'seed' ? 1 : 2);
  return varyingSettings(runs.map(settingsOf)).sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b),
  );
}

/** A setting name as a flag spells it: a link written before settings were kebab-case still works. */
export function settingName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** A number as the page prints it: at most four significant digits; anything else as a legend does. */
export function formatCell(value: SettingValue | undefined): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number')
    return Number.isInteger(value)
      ? String(value)
      : value.toPrecision(4).replace(/\.?0+(e|$)/, '$1');
  return formatValue(value);
}

/**
 * A name for each run that tells it apart from the others shown: the settings that differ
 * between them (a sweep trial's point and seed), its `--name` if it has one, or the run id when
 * nothing differs.
 */
export function legendNames(runs: readonly RunView[]): Map<string, string> {
  const keys = studiedSettings(runs);
  const names = new Map<string, string>();
  for (const run of runs) {
    const settings = settingsOf(run);
    const label =
      run.name ?? keys.map((key) => `${key}=${formatValue(settings.get(key))}`).join(', ');
    names.set(run.id, label || run.run);
  }
  // Two runs alike in every setting (a run trained twice): add their ids.
  const seen = new Map<string, number>();
  for (const name of names.values()) seen.set(name, (seen.get(name) ?? 0) + 1);
  for (const run of runs) {
    const name = names.get(run.id)!;
    if ((seen.get(name) ?? 0) > 1 && name !== run.run) names.set(run.id, `${name} (${run.run})`);
  }
  return names;
}
