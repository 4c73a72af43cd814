import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '@machop/core/base';
import { readRunLock } from '@machop/runs';
import { LocalExecutor, sweepDir, type TrialOutcome } from '@machop/sweep';
import { displayQueueUrl, QueueJobError, QueueWorker, type QueuedTrial } from '@machop/sweep/queue';
import type { CommandBody, CommandContext } from '../command.js';
import { damagedLine, trialAction } from '../trial-folder.js';
import { oneThreadEach, type SweepTrialPayload, type SweepWorkerInit } from '../sweep-trial.js';
import { entryOptionFlags } from '../entry-options.js';
import { GLOBAL_FLAGS, TRAIN_COMMAND_FLAGS, TRAIN_FLAGS } from '../flags.js';
import {
  readSweepRequirements,
  readSweepTrialPayload,
  trialFlagNames,
  trialRunDir,
} from '../sweep-job.js';
import { packageVersions } from '../versions.js';

/**
 * A queued trial's payload, every field checked, and consistent with the job around it: the same
 * sweep and project, so the sweep folder a worker checks is the one the run goes next to.
 */
function readPayload(allowedFlags: ReadonlySet<string>) {
  return (value: unknown, trial: QueuedTrial): SweepTrialPayload => {
    const payload = readSweepTrialPayload(value, allowedFlags);
    readSweepRequirements(trial.requirements);
    const mismatch = (field: string, got: string, want: string) =>
      new QueueJobError(
        `${field} is ${JSON.stringify(got)} but the job's is ${JSON.stringify(want)}`,
      );
    if (payload.project !== trial.sweep.project)
      throw mismatch('project', payload.project, trial.sweep.project);
    if (payload.sweep.id !== trial.sweep.id)
      throw mismatch('sweep.id', payload.sweep.id, trial.sweep.id);
    if (payload.sweep.trial !== trial.task.name)
      throw mismatch('sweep.trial', payload.sweep.trial, trial.task.name);
    return payload;
  };
}

/** Why this worker cannot run a sweep's trial, or undefined when it can. */
function missing(
  context: CommandContext,
  projectDir: string,
  trial: QueuedTrial<SweepTrialPayload>,
): string | undefined {
  const { id, project } = trial.sweep;
  const where = `trial ${trial.task.name} of sweep ${id}`;
  const dir = sweepDir(projectDir, project, id);
  if (!existsSync(dir))
    return `${where}: project dir ${projectDir} has no folder for it (${dir}); give --project-dir the shared storage the sweep writes to`;
  const needs = readSweepRequirements(trial.requirements);
  const version = packageVersions()['@machop/cli'];
  if (needs.version !== undefined && needs.version !== version)
    return `${where}: the sweep was made with Machop.ts ${needs.version}, this worker runs ${version}; install the same version on every machine`;
  const loaded = new Set(context.plugins.map((plugin) => plugin.name));
  const plugins = (needs.plugins ?? []).filter((plugin) => !loaded.has(plugin.name));
  if (plugins.length > 0)
    return `${where}: needs plugin ${plugins.map((plugin) => `${plugin.name} (${plugin.source})`).join(', ')}, which this worker did not load; start ch worker with --plugin for it`;
  if (needs.model !== undefined && !context.registry.models.has(needs.model))
    return `${where}: needs model ${needs.model}, which no plugin of this worker registers; start ch worker with the plugin that provides it`;
  if (needs.dataset !== undefined && !context.registry.datasets.has(needs.dataset))
    return `${where}: needs data set ${needs.dataset}, which no plugin of this worker registers; start ch worker with the plugin that provides it`;
  return undefined;
}

async function runWorker(context: CommandContext): Promise<number> {
  const { io, args } = context;
  const url = args.flags.get('queue') as string | undefined;
  if (url === undefined)
    throw new ConfigError(
      'ch worker needs --queue redis://HOST:PORT/DB, the Redis that ch sweep --queue enqueues to',
    );
  const concurrency = (args.flags.get('concurrency') as number | undefined) ?? 1;
  const stallSeconds = (args.flags.get('stall-timeout') as number | undefined) ?? 30;
  const projectDir = path.resolve(
    io.cwd,
    (args.flags.get('project-dir') as string | undefined) ?? 'machop_output',
  );
  const pluginSpecs = (args.flags.get('plugin') as string[] | undefined) ?? [];
  const own = [...TRAIN_FLAGS, ...TRAIN_COMMAND_FLAGS, ...GLOBAL_FLAGS];
  const allowedFlags = trialFlagNames(
    entryOptionFlags(context.registry, own).map((flag) => flag.name),
  );
  const log = (line: string) => io.stderr.write(`${line}\n`);
  const interrupted = (name: string): TrialOutcome => ({
    trial: name,
    status: 'interrupted',
    runDir: null,
    error: null,
  });

  const worker = new QueueWorker<SweepTrialPayload>({
    url,
    concurrency,
    stallSeconds,
    readPayload: readPayload(allowedFlags),
    check: (trial) => Promise.resolve(missing(context, projectDir, trial)),
    async run(trial, { signal, progress }) {
      const name = trial.task.name;
      const payload = trial.task.payload;
      // Paths are this machine's: the run folder is found under this worker's project dir.
      // Checked before anything touches the disk: the folder stays inside the project dir.
      trialRunDir(projectDir, payload.project, payload.runId);
      const projectRoot = path.join(projectDir, payload.project);
      const found = await trialAction(projectRoot, payload.runId, payload.sweep);
      // A finished trial's damaged run is kept, and the trial fails with the line that says so.
      if (found.action === 'damaged')
        throw new ConfigError(damagedLine(name, found.file, found.reason));
      const runDir = path.join(projectRoot, found.runId);
      // A live writer (a worker that lost the job during a Redis outage but still trains) is
      // waited for; one that is gone is taken over by the trainer's run lock.
      while (found.action === 'resume' && (await readRunLock(runDir))?.alive) {
        if (signal.aborted) return interrupted(name);
        await sleep(1000);
      }
      // Idempotent: a trial whose run already finished is reported, not run again.
      if (found.action === 'skip')
        return { trial: name, status: found.status, runDir, error: null };
      const needs = readSweepRequirements(trial.requirements);
      const init: SweepWorkerInit = {
        cwd: io.cwd,
        plugins: pluginSpecs,
        backend: needs.backend ?? undefined,
      };
      // The same worker process a local sweep forks, one per trial.
      const executor = new LocalExecutor({
        module: new URL('./sweep-worker.js', import.meta.url),
        workers: 1,
        init,
        env: io.env,
      });
      const [outcome] = await executor.run(
        [
          {
            name,
            payload: {
              ...payload,
              // Trials side by side on this worker each get one thread.
              args: concurrency > 1 ? oneThreadEach(payload.args) : payload.args,
              projectDir,
              runId: found.runId,
              resume: found.action === 'resume',
            },
          },
        ],
        {
          signal,
          onEvent: (event) => {
            if (event.type === 'progress') progress(event);
          },
        },
      );
      return outcome ?? interrupted(name);
    },
    onEvent(event) {
      if (event.type === 'ready')
        log(`worker: ${displayQueueUrl(url)}, ${concurrency} at once, project dir ${projectDir}`);
      else if (event.type === 'took')
        log(
          `took ${event.trial} (sweep ${event.sweep}${event.start > 1 ? `, start ${event.start}` : ''})`,
        );
      else if (event.type === 'ended') {
        const { outcome } = event;
        const error = outcome.error ? `: ${outcome.error.message}` : '';
        log(
          `${outcome.trial} ${outcome.status}${error}${event.willRetry ? ' (it will be retried)' : ''}`,
        );
      } else if (event.type === 'rejected') log(`rejected job ${event.job}: ${event.reason}`);
      else if (event.type === 'put-back')
        log(`put ${event.trial} back on the queue: ${event.reason}`);
    },
  });

  let stops = 0;
  const onSignal = () => {
    stops++;
    if (stops > 1) process.exit(130);
    log(
      'stopping: running trials save a checkpoint and go back to the queue (again to quit at once)',
    );
    void worker.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await worker.start();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  log('worker stopped');
  return 0;
}

/** `ch worker --queue URL`: take sweep trials off a Redis queue and run them. */
export const workerCommand: CommandBody = {
  details:
    'Takes trials that ch sweep --queue enqueued and runs each as an ordinary run under --project-dir, which must be\n' +
    'storage every machine sees (a shared mount) holding the sweep folder. Before a trial it checks plugins, model,\n' +
    'data set and Machop.ts version, and stops with one line when something is missing. A trial of a killed worker is\n' +
    'given to another after --stall-timeout seconds and resumes from its last checkpoint. SIGTERM or Ctrl-C stops cleanly.',
  flags: [
    {
      name: 'queue',
      type: 'string',
      value: 'URL',
      description: 'Redis of the queue, redis://[:PASSWORD@]HOST:PORT/DB (rediss:// for TLS)',
    },
    {
      name: 'concurrency',
      type: 'integer',
      min: 1,
      value: 'N',
      default: 1,
      description: 'trials at once on this machine, each in its own process',
    },
    {
      name: 'project-dir',
      type: 'string',
      value: 'DIR',
      default: 'machop_output',
      description: 'shared storage holding the sweep folders and runs',
    },
    {
      name: 'stall-timeout',
      type: 'number',
      min: 0.5,
      value: 'SECONDS',
      default: 30,
      description: "seconds before a silent worker's trial goes to another worker",
    },
  ],
  run: runWorker,
};
