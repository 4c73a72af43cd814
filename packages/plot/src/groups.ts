import type { PlotRun } from './runs.js';
import {
  compareValues,
  formatValue,
  resolveSettingNames,
  runSettings,
  varyingSettings,
  type SettingValue,
} from './settings.js';

/** Runs drawn as one curve or one point: repeats of one setting. */
export interface RunGroup {
  /** The legend's name of the group: `batch-size=64, learning-rate=0.001`. */
  label: string;
  /** The group's values of the grouping settings. */
  values: Map<string, SettingValue>;
  runs: PlotRun[];
}

/**
 * Group runs into repeats. With `groupBy`, runs sharing those settings' values form a group;
 * without, runs that differ in nothing but the seed do. Groups are named by the grouping settings
 * (`batch-size=64`), never by run ids or timestamps, and sorted by their values. `keys` are the
 * grouping settings' kebab-case names.
 */
export function groupRuns(
  runs: readonly PlotRun[],
  groupBy?: readonly string[],
): { groups: RunGroup[]; keys: string[] } {
  const settings = runs.map(({ run }) => runSettings(run));
  const keys =
    groupBy !== undefined && groupBy.length > 0
      ? resolveSettingNames(groupBy, settings)
      : varyingSettings(settings).filter((name) => name !== 'seed');
  const byKey = new Map<string, RunGroup>();
  runs.forEach((run, index) => {
    const values = new Map(keys.map((key) => [key, settings[index].get(key) ?? null]));
    const id = JSON.stringify([...values.values()]);
    const group = byKey.get(id);
    if (group) group.runs.push(run);
    else byKey.set(id, { label: '', values, runs: [run] });
  });
  const groups = [...byKey.values()].sort((a, b) => {
    for (const key of keys) {
      const order = compareValues(a.values.get(key), b.values.get(key));
      if (order !== 0) return order;
    }
    return 0;
  });
  for (const group of groups) {
    const first = group.runs[0].run;
    group.label =
      keys.length > 0
        ? keys.map((key) => `${key}=${formatValue(group.values.get(key))}`).join(', ')
        : `${first.config.model?.name ?? 'model'} on ${first.config.dataset?.name ?? 'data'}`;
    // A run that has not ended says so: its curve may still grow, or stopped where it died.
    const unfinished = group.runs.filter(
      ({ run }) => run.status === 'running' || run.status === 'crashed',
    );
    if (group.runs.length === 1 && unfinished.length === 1)
      group.label += ` (${unfinished[0].run.status})`;
    else if (unfinished.length > 0) group.label += ` (${unfinished.length} unfinished)`;
  }
  return { groups, keys };
}
