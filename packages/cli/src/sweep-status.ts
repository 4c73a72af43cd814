// `ch sweep --status`: where each trial of a queued sweep stands, read from the queue and the runs.
import path from 'node:path';
import { readRun } from '@machop/runs';
import { computeSweepTable, FINISHED } from '@machop/sweep';
import { QueueExecutor } from '@machop/sweep/queue';
import type { CommandContext } from './command.js';
import { formatSweepTable } from './sweep-display.js';
import { findSweep } from './sweep-record.js';

/** `ch sweep --status SWEEP --queue URL`: where each trial stands, and the table from the runs. */
export async function showStatus(
  context: CommandContext,
  id: string,
  url: string,
): Promise<number> {
  const { io, args } = context;
  const projectDir = path.resolve(
    io.cwd,
    (args.flags.get('project-dir') as string | undefined) ?? 'machop_output',
  );
  const record = await findSweep(projectDir, args.flags.get('project') as string | undefined, id);
  const executor = new QueueExecutor({ url, sweep: { id: record.id, project: record.project } });
  const states = await executor.status(record.trials.map((trial) => trial.name));
  // The runs beside the sweep folder found here (this machine's mount of the shared storage).
  const runRoot = projectDir;
  const rows = await Promise.all(
    record.trials.map(async (trial, index) => {
      const run = await readRun(path.join(runRoot, record.project, trial.runId));
      const queued = states[index];
      return {
        trial: trial.name,
        // The run folder has the last word on a trial that ended; the queue on one that has not.
        status: run && FINISHED.includes(run.status) ? run.status : queued.state,
        queue: queued.state,
        epoch: queued.progress ? queued.progress.epoch + 1 : null,
        epochs: queued.progress?.epochs ?? null,
        error: queued.outcome?.error?.message ?? null,
      };
    }),
  );
  const table = await computeSweepTable(
    runRoot,
    record.project,
    record.id,
    record.definition.metric,
  );
  if (context.json) {
    io.stdout.write(JSON.stringify({ event: 'status', id: record.id, trials: rows, table }) + '\n');
    return 0;
  }
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  io.stdout.write(
    `sweep: ${record.id}: ${rows.length} trial${rows.length === 1 ? '' : 's'}: ${[...counts].map(([state, count]) => `${count} ${state}`).join(', ')}\n`,
  );
  for (const row of rows)
    if (!FINISHED.includes(row.status))
      io.stdout.write(
        `  ${row.trial}: ${row.status}${row.epoch !== null && row.status === 'active' ? ` (epoch ${row.epoch}/${row.epochs})` : ''}${row.error ? `: ${row.error}` : ''}\n`,
      );
  io.stdout.write(formatSweepTable(table, io.stdout.columns ?? Infinity));
  return 0;
}
