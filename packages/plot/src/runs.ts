import { ConfigError } from '@machop/core';
import {
  listRuns,
  MetricsTail,
  runPaths,
  type ListRunsOptions,
  type MetricRecord,
  type RunInfo,
} from '@machop/runs';

/** A run and the metric records it has logged so far. */
export interface PlotRun {
  run: RunInfo;
  records: readonly MetricRecord[];
  /** Line numbers (from 1) of its metrics.jsonl that were not metric records and were skipped. */
  damaged?: readonly number[];
}

/**
 * One line per run whose metric log had damaged lines: what `ch plot` warns about, naming the
 * file and lines, so a figure missing values is never drawn without a word.
 */
export function damagedLogWarnings(runs: readonly PlotRun[]): string[] {
  return runs
    .filter((run) => (run.damaged?.length ?? 0) > 0)
    .map(({ run, damaged }) => {
      const lines = damaged!;
      const shown = lines.slice(0, 5).join(', ') + (lines.length > 5 ? ', ...' : '');
      return `${runPaths(run.dir).metrics}: skipped ${lines.length} damaged line${lines.length === 1 ? '' : 's'}, not metric records (line ${shown}); the figure leaves ${lines.length === 1 ? 'it' : 'them'} out`;
    });
}

/**
 * The runs of a project (or of one sweep in it) with their metric records, read through
 * `@machop/runs`. A run that is still training or that died is read as far as it got: its last,
 * half-written line is left for later and damaged lines are skipped (and listed in `damaged`).
 * Throws a ConfigError naming the projects there are when the project has no runs.
 */
export async function readPlotRuns(
  projectDir: string,
  options: ListRunsOptions & { project: string },
): Promise<PlotRun[]> {
  const runs = await listRuns(projectDir, options);
  if (runs.length === 0) {
    const where = options.sweep === undefined ? '' : ` in sweep ${options.sweep}`;
    const projects = [...new Set((await listRuns(projectDir)).map((run) => run.project))];
    throw new ConfigError(
      `no runs to plot in project ${options.project}${where} under ${projectDir}; ` +
        (projects.length > 0
          ? `projects with runs: ${projects.join(', ')}`
          : 'train some with ch train --project NAME (or pass --project-dir)'),
    );
  }
  return Promise.all(
    runs.map(async (run) => {
      const { records, damaged } = await new MetricsTail(runPaths(run.dir).metrics).read();
      return { run, records, damaged };
    }),
  );
}
