import path from 'node:path';
import { ConfigError, defaultCacheDir, initBackend } from '@machop/core';
import { formatClassificationReport } from '@machop/metrics';
import { test } from '@machop/trainer';
import type { CommandBody } from '../command.js';
import { checkStrayOptions, givenOptionValues } from '../entry-options.js';
import { EVALUATION_FLAGS } from '../flags.js';
import { stderrReporter } from '../reporter.js';
import { savedEntries } from '../saved-run.js';
import { givenEntryFlags } from '../settings.js';

/** `--threads` as the trainer takes it: auto, 1 or 2. */
function threadsFlag(value: unknown): 'auto' | 1 | 2 | undefined {
  if (value === undefined || value === 'auto') return value;
  return Number(value) as 1 | 2;
}

/** `ch test [MODEL DATASET] --load RUN|CHECKPOINT`: evaluate a trained checkpoint on the test split. */
export const testCommand: CommandBody = {
  details:
    "The run's saved scaler and split are applied, so rows are preprocessed exactly as in training. The report is also written to test.json in the run.",
  entryOptions: true,
  flags: [
    {
      name: 'load',
      type: 'string',
      value: 'RUN|CHECKPOINT',
      description: 'a run folder (its best checkpoint) or a checkpoint folder',
    },
    ...EVALUATION_FLAGS,
  ],
  async run(context) {
    const { io, args, registry } = context;
    const [modelArg, datasetArg, ...extra] = args.positionals;
    if (extra.length > 0)
      throw new ConfigError(
        `ch test takes at most MODEL and DATASET, got extra words: ${extra.join(' ')}`,
      );
    const load = args.flags.get('load') as string | undefined;
    if (load === undefined)
      throw new ConfigError(
        'ch test needs --load RUN|CHECKPOINT: the run folder or checkpoint folder to evaluate',
      );
    // A run knows its model and data set; a bare checkpoint folder needs them named.
    const saved = await savedEntries('--load', path.resolve(io.cwd, load));
    const modelName = modelArg ?? saved?.model;
    const datasetName = datasetArg ?? saved?.dataset;
    if (modelName === undefined || datasetName === undefined)
      throw new ConfigError(
        `ch test --load ${load}: a checkpoint outside a run folder needs MODEL and DATASET, for example "ch test jsc-tiny jsc --load ${load}"`,
      );
    const model = registry.models.get(modelName);
    const dataset = registry.datasets.get(datasetName);
    checkStrayOptions(
      registry,
      [...args.flags.keys()].filter((flag) => context.entryFlags.has(flag)),
      [model, dataset],
    );
    // Only options given on the command line: the rest come from the run's saved settings.
    const given = givenEntryFlags(context);
    const datasetOptions = givenOptionValues(dataset, given);
    const modelOptions = givenOptionValues(model, given);
    const backend = args.flags.get('backend') as string | undefined;
    await initBackend({
      backend: backend === undefined || backend === 'auto' ? undefined : backend,
      env: io.env,
    });
    const result = await test(
      {
        load: path.resolve(io.cwd, load),
        model: model.name,
        dataset: dataset.name,
        datasetOptions,
        modelOptions,
        cacheDir: defaultCacheDir(io.env),
        batchSize: args.flags.get('batch-size') as number | undefined,
        engine: args.flags.get('engine') as 'auto' | 'tfjs' | 'fused' | undefined,
        threads: threadsFlag(args.flags.get('threads')),
      },
      { reporter: stderrReporter(io, context.json) },
    );
    if (context.json) {
      io.stdout.write(JSON.stringify({ file: result.file, ...result.report }, null, 2) + '\n');
      return 0;
    }
    io.stdout.write(
      `checkpoint: ${result.checkpointDir}\n\n` +
        formatClassificationReport(result.report, result.report.classNames) +
        `\nwritten: ${result.file}\n`,
    );
    return 0;
  },
};
