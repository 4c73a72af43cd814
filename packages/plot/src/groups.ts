import { groupBySettings, runSettings, type SettingsGroup } from '@machop/runs';
import type { PlotRun } from './runs.js';
import { resolveSettingNames } from './settings.js';

/** Runs drawn as one curve or one point: repeats of one setting (see `@machop/runs`). */
export type RunGroup = SettingsGroup<PlotRun>;

/**
 * Group runs into repeats with `@machop/runs`' `groupBySettings`, as the dashboard does: with
 * `groupBy` (checked against the runs' settings), runs sharing those settings' values; without,
 * runs that differ in nothing but the seed. A group of runs that did not all end says so in its
 * label. `keys` are the grouping settings' kebab-case names.
 */
export function groupRuns(
  runs: readonly PlotRun[],
  groupBy?: readonly string[],
): { groups: RunGroup[]; keys: string[] } {
  const settings = new Map(runs.map((run) => [run, runSettings(run.run)]));
  const keys =
    groupBy !== undefined && groupBy.length > 0
      ? resolveSettingNames(groupBy, [...settings.values()])
      : undefined;
  const grouped = groupBySettings(runs, (run) => settings.get(run)!, keys);
  for (const group of grouped.groups) {
    const first = group.runs[0].run;
    if (grouped.keys.length === 0)
      group.label = `${first.config.model?.name ?? 'model'} on ${first.config.dataset?.name ?? 'data'}`;
    // A run that has not ended says so: its curve may still grow, or stopped where it died.
    const unfinished = group.runs.filter(
      ({ run }) => run.status === 'running' || run.status === 'crashed',
    );
    if (group.runs.length === 1 && unfinished.length === 1)
      group.label += ` (${unfinished[0].run.status})`;
    else if (unfinished.length > 0) group.label += ` (${unfinished.length} unfinished)`;
  }
  return grouped;
}
