/**
 * The worker process of `ch sweep`'s local executor: loads the sweep's plugins and backend once,
 * keeps the last data set it loaded, and runs each trial as `ch train` would (same settings
 * resolution, same run folder), with the trial's sweep membership in config.json.
 */
import {
  defaultCacheDir,
  getRegistry,
  initBackend,
  type BackendName,
  type LoadedPlugin,
} from '@machop/core';
import { DatasetCache } from '@machop/sweep';
import { serveTrials } from '@machop/sweep/worker';
import { train, TRAIN_DEFAULTS, type TrainOptions } from '@machop/trainer';
import { parseArgs } from './args.js';
import { resolveTrain, trainOptions } from './commands/train.js';
import { entryOptionFlags } from './entry-options.js';
import { GLOBAL_FLAGS, TRAIN_COMMAND_FLAGS, TRAIN_FLAGS } from './flags.js';
import { loadAllPlugins } from './plugins.js';
import { trialRunDir } from './sweep-job.js';
import type { SweepTrialPayload, SweepWorkerInit } from './sweep-trial.js';
import { packageVersions } from './versions.js';

const cache = new DatasetCache(TRAIN_DEFAULTS.split);
let cwd = process.cwd();
let plugins: LoadedPlugin[] = [];

// Nothing a worker prints is for the user: results go back to the sweep process.
const quiet = {
  write: () => true,
} as unknown as NodeJS.WritableStream;

serveTrials<SweepWorkerInit, SweepTrialPayload>({
  async init(init) {
    cwd = init.cwd;
    plugins = await loadAllPlugins(cwd, init.plugins);
    await initBackend({ backend: init.backend as BackendName | undefined, env: process.env });
  },
  async run(task, { signal, progress }) {
    const trial = task.payload;
    const registry = getRegistry();
    const own = [...TRAIN_FLAGS, ...TRAIN_COMMAND_FLAGS, ...GLOBAL_FLAGS];
    const entryFlags = entryOptionFlags(registry, own);
    const args = parseArgs(trial.args, [...own, ...entryFlags], 'ch train');
    const resolved = await resolveTrain({
      io: { stdout: quiet, stderr: quiet, env: process.env, cwd },
      argv: ['train', ...trial.args],
      args,
      registry,
      plugins,
      style: { bold: (text) => text },
      entryFlags: new Set(entryFlags.map((flag) => flag.name)),
      json: false,
    });
    const { settings, config, model, dataset, modelOptions, datasetOptions, maxTimeSeconds } =
      resolved;
    const options: TrainOptions & { sweep?: SweepTrialPayload['sweep'] } = {
      ...trainOptions(settings, cwd, maxTimeSeconds),
      model: model.name,
      dataset: dataset.name,
      modelOptions,
      datasetOptions,
      cacheDir: defaultCacheDir(process.env),
      projectDir: trial.projectDir,
      sweep: trial.sweep,
      // As ch train records it, with the trial's own ch train words beside the sweep command.
      config: {
        argv: ['ch', 'train', ...trial.args],
        sweepArgv: trial.command,
        sources: Object.fromEntries([...settings].map(([name, setting]) => [name, setting.source])),
        configFile: config?.file ?? null,
        plugins: plugins
          .filter((plugin) => plugin.source !== 'built-in' && plugin.source !== '<object>')
          .map(({ name, source }) => ({ name, source })),
        versions: packageVersions(),
      },
    };
    if (trial.resume) {
      // A resumed run keeps its own folder, options and membership.
      delete options.project;
      options.resume = trialRunDir(trial.projectDir, trial.project, trial.runId);
    } else {
      options.project = trial.project;
      options.runId = trial.runId;
    }
    // A resume loads its data with the run's saved scaler; a new trial shares the worker's copy.
    const data = trial.resume ? undefined : await cache.get(options, { signal });
    const epochs = Number(settings.get('max-epochs')?.value);
    const result = await train(options, {
      signal,
      dataset: data,
      callbacks: [
        {
          onEpochEnd: (context) =>
            progress({ epoch: context.epoch, epochs, metrics: { ...context.metrics } }),
        },
      ],
    });
    return { status: result.status, runDir: result.runDir };
  },
});
