import path from 'node:path';
import { ConfigError, closestNames, defaultCacheDir, initBackend } from '@machop/core';
import { curveEnds, metricDirection, readMetrics, readRun, runPaths } from '@machop/runs';
import {
  splitField,
  train,
  trainOptionEntries,
  type Callback,
  type TrainOptions,
} from '@machop/trainer';
import { kebabCase } from '../args.js';
import { chanceHint, runFacts } from '../chance-hint.js';
import type { CommandBody, CommandContext } from '../command.js';
import {
  checkStrayOptions,
  optionValues,
  resolveEntryOptions,
  type ResolvedOption,
} from '../entry-options.js';
import { TRAIN_COMMAND_FLAGS, TRAIN_FLAGS } from '../flags.js';
import { formatMetric, ProgressDisplay } from '../progress.js';
import { stderrReporter } from '../reporter.js';
import { packageVersions } from '../versions.js';
import { withRunSettings } from '../resume-settings.js';
import { settingsTable } from '../settings-table.js';
import { runOf, savedEntries } from '../saved-run.js';
import { readConfigFile, resolveSettings, type Setting } from '../settings.js';
import { formatTable } from '../table.js';
import { parseDuration } from '../time.js';

/**
 * The end-of-run table: each metric's final value, and its own best with the epoch it was
 * reached in (counted from 1, as the progress lines count). The monitored metric, which chose
 * checkpoints/best, is marked with `*`.
 */
async function finalTable(runDir: string, monitor: string): Promise<string> {
  const records = await readMetrics(runPaths(runDir).metrics, { damaged: 'skip' });
  const names = [...new Set(records.map((record) => record.name))];
  const rows = names.map((name) => {
    const own = records.filter((record) => record.name === name);
    const curve = {
      x: own.map((record) => record.epoch + 1),
      y: own.map((record) => record.value),
    };
    const mode = metricDirection(name);
    const ends = curveEnds(curve, mode ?? 'min');
    const best =
      mode === undefined || ends.best === null || name.endsWith('_step') || own.length < 2
        ? ''
        : `${formatMetric(name, ends.best)} (epoch ${ends.bestX})`;
    return [
      name === monitor ? `${name} *` : name,
      ends.final === null ? 'n/a' : formatMetric(name, ends.final),
      best,
    ];
  });
  return formatTable(['METRIC', 'FINAL', 'BEST'], rows) + `* monitored: chose checkpoints/best\n`;
}

/** `word` as the shell reads it back: quoted only when it holds characters the shell treats specially. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Settings whose presence with another setting's value makes no sense. */
function checkConflicts(settings: Map<string, Setting>): void {
  const given = (name: string) =>
    settings.get(name)?.source === 'flag' || settings.get(name)?.source === 'config';
  if (given('resume') && given('load'))
    throw new ConfigError(
      '--resume and --load cannot be combined: --resume continues a run with its own weights',
    );
  for (const name of ['step-size', 'gamma']) {
    if (given(name) && settings.get('scheduler')?.value !== 'step') {
      throw new ConfigError(
        `--${name} only applies to --scheduler step, but the scheduler is ${String(settings.get('scheduler')?.value)}`,
      );
    }
  }
}

/** A data set named where the model goes and a model where the data set goes: one line saying so. */
function checkOrder(context: CommandContext, model: string, dataset: string): void {
  const { models, datasets } = context.registry;
  if (!models.has(model) && datasets.has(model) && models.has(dataset) && !datasets.has(dataset))
    throw new ConfigError(
      `"${model}" is a data set and "${dataset}" a model: the model comes first, as in "ch train ${dataset} ${model}"`,
    );
}

/** Resolve everything `ch train` needs: model, data set, run settings and entry options, with their sources. */
export async function resolveTrain(context: CommandContext) {
  const { args, registry, io } = context;
  const configPath = args.flags.get('config') as string | undefined;
  const config = configPath ? await readConfigFile(configPath, io.cwd) : undefined;
  const [modelArg, datasetArg, ...extra] = args.positionals;
  if (extra.length > 0)
    throw new ConfigError(`ch train takes MODEL and DATASET, got extra words: ${extra.join(' ')}`);
  const resumeFrom = (args.flags.get('resume') ?? config?.values.get('resume')) as
    string | undefined;
  const saved =
    resumeFrom !== undefined && modelArg === undefined
      ? await savedEntries('--resume', path.resolve(io.cwd, resumeFrom))
      : undefined;
  const pick = (argument: string | undefined, key: 'model' | 'dataset'): Setting => {
    if (argument !== undefined) return { value: argument, source: 'argument' };
    const fromConfig = config?.values.get(key);
    if (typeof fromConfig === 'string') return { value: fromConfig, source: 'config' };
    if (saved) return { value: saved[key], source: 'run' };
    throw new ConfigError(
      `ch train needs a ${key}: ch train MODEL DATASET, for example "ch train jsc-tiny jsc" (or "${key}" in --config)`,
    );
  };
  const modelSetting = pick(modelArg, 'model');
  const datasetSetting = pick(datasetArg, 'dataset');
  checkOrder(context, String(modelSetting.value), String(datasetSetting.value));
  const model = registry.models.get(modelSetting.value as string);
  const dataset = registry.datasets.get(datasetSetting.value as string);

  const entryFlagsGiven = [...args.flags.keys()].filter((flag) => context.entryFlags.has(flag));
  checkStrayOptions(registry, entryFlagsGiven, [model, dataset]);
  const entryOptionNames = new Set(
    [...(model.options ?? []), ...(dataset.options ?? [])].map((spec) => kebabCase(spec.name)),
  );
  if (config) {
    const known = [
      ...TRAIN_FLAGS.map((spec) => spec.name),
      'model',
      'dataset',
      ...entryOptionNames,
    ];
    for (const key of config.values.keys()) {
      if (known.includes(key)) continue;
      const close = closestNames(key, known);
      throw new ConfigError(
        `${config.where.get(key) ?? config.file}: unknown setting${close.length > 0 ? `; did you mean ${close.join(', ')}?` : ''} (keys are ch train flag names)`,
      );
    }
  }

  const settings = new Map<string, Setting>([
    ['model', modelSetting],
    ['dataset', datasetSetting],
    ...resolveSettings(TRAIN_FLAGS, args.flags, config),
  ]);
  checkConflicts(settings);
  const maxTime = settings.get('max-time');
  const maxTimeSeconds = maxTime
    ? parseDuration(
        String(maxTime.value),
        maxTime.source === 'flag' ? '--max-time' : 'max-time in --config',
      )
    : undefined;

  const given = new Map<string, { value: unknown; source: 'flag' | 'config'; where: string }>();
  for (const name of entryOptionNames) {
    if (args.flags.has(name))
      given.set(name, { value: args.flags.get(name), source: 'flag', where: `--${name}` });
    else if (config?.values.has(name))
      given.set(name, {
        value: config.values.get(name),
        source: 'config',
        where: config.where.get(name) ?? config.file,
      });
  }
  const modelOptions = resolveEntryOptions('model', model, given);
  const datasetOptions = resolveEntryOptions('dataset', dataset, given);
  for (const [name, option] of [...modelOptions, ...datasetOptions])
    settings.set(kebabCase(name), option);
  // Only chosen options go to the trainer, which applies the entries' defaults itself (and, on
  // resume, refuses only what contradicts the run).
  const chosen = (resolved: Map<string, ResolvedOption>) =>
    optionValues(new Map([...resolved].filter(([, option]) => option.source !== 'default')));
  return {
    settings,
    config,
    model,
    dataset,
    modelOptions: chosen(modelOptions),
    datasetOptions: chosen(datasetOptions),
    maxTimeSeconds,
  };
}

// Options whose flag holds a path, resolved against the working folder for the trainer.
const PATH_OPTIONS = new Set<string>(['projectDir', 'load', 'resume']);

/**
 * The trainer options the user chose (flags or config file), by the trainer's table of options.
 * Defaults are left to the trainer, which owns them, so that a resumed run only sees what was
 * asked for this time.
 */
export function trainOptions(
  settings: Map<string, Setting>,
  cwd: string,
  maxTimeSeconds: number | undefined,
): Partial<TrainOptions> {
  const chosen = (name: string) => {
    const setting = settings.get(name);
    return setting && (setting.source === 'flag' || setting.source === 'config')
      ? setting.value
      : undefined;
  };
  const options: Record<string, unknown> = {};
  const split: Record<string, unknown> = {};
  for (const [key, flag, spec] of trainOptionEntries()) {
    if (spec.group === 'none' || key === 'maxTimeSeconds') continue;
    if (PATH_OPTIONS.has(key)) {
      const value = settings.get(flag)?.value;
      if (typeof value === 'string') options[key] = path.resolve(cwd, value);
    } else if (chosen(flag) === undefined) continue;
    else if (spec.group === 'split') split[splitField(key)] = chosen(flag);
    else options[key] = chosen(flag);
  }
  // The flag takes text (auto, 1, 2); the trainer takes a count or auto.
  if (options.threads !== undefined && options.threads !== 'auto')
    options.threads = Number(options.threads);
  if (Object.keys(split).length > 0) options.split = split;
  if (maxTimeSeconds !== undefined) options.maxTimeSeconds = maxTimeSeconds;
  return options;
}

/** `ch train MODEL DATASET`: train with validation every epoch, checkpoints, logs and a final test. */
export const trainCommand: CommandBody = {
  details:
    'Settings come from defaults, then --config FILE (TOML or JSON, keys are flag names), then flags; a flag always wins.\n' +
    'The run is written to <project-dir>/<project>/<run-id>/. Ctrl-C saves a last checkpoint; --resume RUN continues it.',
  entryOptions: true,
  flags: [...TRAIN_FLAGS, ...TRAIN_COMMAND_FLAGS],
  async run(context) {
    const { io, args } = context;
    const quiet = args.flags.get('quiet') === true;
    const { settings, config, model, dataset, modelOptions, datasetOptions, maxTimeSeconds } =
      await resolveTrain(context);
    const resumed = settings.get('resume');
    if (resumed?.source === 'flag' || resumed?.source === 'config') {
      const run = await runOf(path.resolve(io.cwd, String(resumed.value)));
      if (run) withRunSettings(settings, run);
    }
    const backendSetting = settings.get('backend')!;
    const backend = await initBackend({
      backend: backendSetting.source === 'default' ? undefined : (backendSetting.value as string),
      env: io.env,
    });
    if (backend.requested === 'auto' && backendSetting.source === 'default')
      settings.set('backend', { value: backend.name, source: 'derived' });

    if (context.json)
      io.stdout.write(
        JSON.stringify({
          event: 'config',
          settings: Object.fromEntries(
            [...settings].map(([name, setting]) => [name, setting.value]),
          ),
          backend,
        }) + '\n',
      );
    else if (!quiet)
      io.stderr.write(
        settingsTable(settings, config) + `backend: ${backend.name} (${backend.reason})\n`,
      );

    const display = new ProgressDisplay(io);
    const progress: Callback = {
      onEpochStart: () => display.epochStart(),
      onBatchEnd: (step) => {
        if (!quiet && !context.json) display.step(step);
      },
      onEpochEnd: (epoch) => {
        if (context.json)
          io.stdout.write(
            JSON.stringify({
              event: 'epoch',
              epoch: epoch.epoch,
              metrics: epoch.metrics,
              seconds: epoch.seconds,
              samplesPerSecond: epoch.samplesPerSecond,
            }) + '\n',
          );
        else if (!quiet) display.epochEnd(epoch);
      },
    };

    const controller = new AbortController();
    let interrupts = 0;
    // The shell's convention: 128 + the signal's number (SIGINT 2, SIGTERM 15).
    let interruptCode = 130;
    const onSignal = (signal: NodeJS.Signals) => {
      interrupts++;
      interruptCode = signal === 'SIGTERM' ? 143 : 130;
      if (interrupts > 1) process.exit(interruptCode);
      display.clear();
      io.stderr.write(
        `${signal === 'SIGTERM' ? 'terminated' : 'interrupted'}: finishing the current step and saving a last checkpoint (Ctrl-C again to quit at once)\n`,
      );
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const result = await train(
        {
          ...trainOptions(settings, io.cwd, maxTimeSeconds),
          model: model.name,
          dataset: dataset.name,
          modelOptions,
          datasetOptions,
          cacheDir: defaultCacheDir(io.env),
          // Values live once, in config.json's `options`; here is how they were asked for.
          config: {
            argv: ['ch', ...context.argv],
            sources: Object.fromEntries(
              [...settings].map(([name, setting]) => [name, setting.source]),
            ),
            configFile: config?.file ?? null,
            plugins: context.plugins
              .filter((plugin) => plugin.source !== 'built-in' && plugin.source !== '<object>')
              .map(({ name, source }) => ({ name, source })),
            versions: packageVersions(),
          },
        },
        {
          callbacks: [progress],
          signal: controller.signal,
          reporter: stderrReporter(io, quiet || context.json),
        },
      );
      const summary = result.summary;
      if (context.json) {
        io.stdout.write(
          JSON.stringify({ event: 'end', status: result.status, runDir: result.runDir, summary }) +
            '\n',
        );
      } else {
        io.stdout.write(
          `run: ${result.runDir}\nstatus: ${result.status}\n` +
            (await finalTable(result.runDir, summary.monitor)),
        );
        const run = await readRun(result.runDir);
        const hint = run && chanceHint(runFacts(run));
        if (hint) io.stderr.write(`hint: ${hint}\n`);
      }
      if (result.status === 'interrupted') {
        io.stderr.write(`resume it with: ch train --resume ${shellWord(result.runDir)}\n`);
        return interruptCode;
      }
      if (result.status === 'diverged') io.stderr.write(`warning: ${summary.reason}\n`);
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
