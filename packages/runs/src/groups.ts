/**
 * Runs grouped by their settings, the same for `ch plot` and the dashboard: which settings are
 * studied (they vary), which runs are repeats of one setting, and what each group is called.
 * No Node imports: this module also runs in a browser.
 *
 * @packageDocumentation
 */

/** A setting's value: what a flag took, as a table, a legend or TensorBoard's HParams shows it. */
export type SettingValue = string | number | boolean | null;

/** A run's settings by kebab-case flag name, as `runSettings` gives them. */
export type Settings = ReadonlyMap<string, SettingValue>;

/**
 * The settings whose values are not the same in every run, in a stable order: a setting some
 * runs lack and others have counts as varying only if the ones that have it disagree, so a
 * setting older runs did not record (`threads`) is not taken for one that was studied.
 */
export function varyingSettings(settings: readonly Settings[]): string[] {
  const names = new Set(settings.flatMap((one) => [...one.keys()]));
  return [...names].filter((name) => {
    const values = new Set<string>();
    for (const one of settings)
      if (one.has(name) && one.get(name) !== null) values.add(JSON.stringify(one.get(name)));
    return values.size > 1;
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
  return formatValue(a).localeCompare(formatValue(b), undefined, { numeric: true });
}

/** Repeats of one setting, drawn as one curve or one point. */
export interface SettingsGroup<Run> {
  /** The legend's name: `batch-size=64, learning-rate=0.001`; empty when nothing groups. */
  label: string;
  /** The group's values of the grouping settings. */
  values: Map<string, SettingValue>;
  runs: Run[];
  /**
   * Settings other than the grouping ones and the seed whose values differ inside the group:
   * its mean mixes them (`learning-rate` when grouping by batch size alone).
   */
  mixed: string[];
}

/**
 * Group runs into repeats. With `keys`, runs sharing those settings' values form a group;
 * without, runs that differ in nothing but the seed do. Groups are named by the grouping
 * settings, never by run ids or timestamps, and sorted by their values; `keys` as used is
 * returned (kebab-case setting names, as given).
 */
export function groupBySettings<Run>(
  runs: readonly Run[],
  settingsOf: (run: Run) => Settings,
  keys?: readonly string[],
): { groups: SettingsGroup<Run>[]; keys: string[] } {
  const settings = runs.map(settingsOf);
  const used =
    keys !== undefined && keys.length > 0
      ? [...keys]
      : varyingSettings(settings).filter((name) => name !== 'seed');
  const byKey = new Map<string, { group: SettingsGroup<Run>; settings: Settings[] }>();
  runs.forEach((run, index) => {
    const values = new Map(used.map((key) => [key, settings[index].get(key) ?? null]));
    const id = JSON.stringify([...values.values()]);
    const entry = byKey.get(id);
    if (entry) {
      entry.group.runs.push(run);
      entry.settings.push(settings[index]);
    } else
      byKey.set(id, {
        group: { label: settingsLabel(values), values, runs: [run], mixed: [] },
        settings: [settings[index]],
      });
  });
  for (const { group, settings: inside } of byKey.values())
    group.mixed = varyingSettings(inside).filter((name) => name !== 'seed' && !used.includes(name));
  const groups = [...byKey.values()]
    .map(({ group }) => group)
    .sort((a, b) => {
      for (const key of used) {
        const order = compareValues(a.values.get(key), b.values.get(key));
        if (order !== 0) return order;
      }
      return 0;
    });
  return { groups, keys: used };
}

/** Settings as a legend names them: `batch-size=64, learning-rate=0.001`. */
export function settingsLabel(values: ReadonlyMap<string, SettingValue | undefined>): string {
  return [...values].map(([key, value]) => `${key}=${formatValue(value)}`).join(', ');
}
