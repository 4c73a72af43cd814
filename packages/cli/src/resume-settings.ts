import { kebabCase } from '@machop/core/base';
import type { RunInfo } from '@machop/runs';
import { splitField, trainOptionEntries } from '@machop/trainer/options';
import type { Setting } from './settings.js';

/**
 * The settings of `ch train --resume RUN` as the run will go on: a setting left at its default
 * takes the run's own value (source `run`), as the trainer resumes with it; given ones stay (the
 * trainer refuses those that contradict the run). Settings that are not the run's (project,
 * backend) are left alone.
 */
export function withRunSettings(settings: Map<string, Setting>, run: RunInfo): void {
  const saved = (run.config.options ?? {}) as unknown as Record<string, unknown>;
  const fill = (flag: string, value: unknown) => {
    const setting = settings.get(flag);
    if (value === undefined || value === null) return;
    if (setting !== undefined && setting.source !== 'default') return;
    settings.set(flag, { value, source: 'run' });
  };
  for (const [key, flag, spec] of trainOptionEntries()) {
    if (spec.resume === 'none') continue;
    const split = saved.split as Record<string, unknown> | undefined;
    fill(flag, spec.group === 'split' ? split?.[splitField(key)] : saved[key]);
  }
  for (const group of ['modelOptions', 'datasetOptions'])
    for (const [name, value] of Object.entries((saved[group] ?? {}) as Record<string, unknown>))
      fill(kebabCase(name), value);
}
