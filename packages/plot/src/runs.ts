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
}

/**
 * The runs of a project (or of one sweep in it) with their metric records, read through
 * `@machop/runs`. A run that is still training or that died is read as far as it got: its last,
 * half-written line is left for later and damaged lines are skipped, as a display should.
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
    runs.map(async (run) => ({
      run,
      records: (await new MetricsTail(runPaths(run.dir).metrics).read()).records,
    })),
  );
}
