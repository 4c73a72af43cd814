import {
  closestNames,
  ConfigError,
  defaultCacheDir,
  initBackend,
  unknownName,
  type DataShape,
  type DatasetEntry,
  type ModelEntry,
  type Registered,
} from '@machop/core';
import { buildModel } from '@machop/trainer';
import { formatDatasetSummary, summarizeDataset } from '@machop/datasets';
import { formatModelSummary, summarizeModel } from '@machop/models';
import { kebabCase } from '../args.js';
import type { CommandBody, CommandContext } from '../command.js';
import { checkStrayOptions, optionValues, resolveEntryOptions } from '../entry-options.js';
import { BACKEND_FLAG, SPLIT_FLAGS } from '../flags.js';
import { stderrReporter } from '../reporter.js';
import { splitFromFlags, givenEntryFlags } from '../settings.js';
import { formatTable } from '../table.js';

/** The data set whose shape a model is shown for when no --dataset is given. */
const DEFAULT_SHAPE_DATASET = 'jsc';

async function datasetShape(
  context: CommandContext,
  entry: Registered<DatasetEntry>,
): Promise<DataShape> {
  if (entry.shape) return entry.shape;
  const data = await loadDataset(context, entry);
  return { features: data.features, classes: data.classes };
}

async function loadDataset(context: CommandContext, entry: Registered<DatasetEntry>) {
  const options = optionValues(resolveEntryOptions('dataset', entry, givenEntryFlags(context)));
  return entry.load({
    options,
    split: splitFromFlags(context.args.flags),
    cacheDir: defaultCacheDir(context.io.env),
    reporter: stderrReporter(context.io),
  });
}

async function modelInfo(context: CommandContext, entry: Registered<ModelEntry>): Promise<number> {
  const { io, args, registry } = context;
  const datasetName = args.flags.get('dataset') as string | undefined;
  const dataset =
    datasetName !== undefined
      ? registry.datasets.get(datasetName)
      : registry.datasets.has(DEFAULT_SHAPE_DATASET)
        ? registry.datasets.get(DEFAULT_SHAPE_DATASET)
        : undefined;
  if (!dataset)
    throw new ConfigError(
      `ch info ${entry.name} needs --dataset NAME to know the number of features and classes`,
    );
  checkStrayOptions(
    registry,
    [...args.flags.keys()].filter((flag) => context.entryFlags.has(flag)),
    [entry, dataset],
  );
  const options = optionValues(resolveEntryOptions('model', entry, givenEntryFlags(context)));
  const shape = await datasetShape(context, dataset);
  await initBackend({ backend: args.flags.get('backend') as string | undefined, env: io.env });
  const model = buildModel(entry, shape, options, 0);
  const summary = summarizeModel(model);
  model.dispose();
  if (context.json) {
    io.stdout.write(
      JSON.stringify(
        {
          kind: 'model',
          name: entry.name,
          description: entry.description,
          plugin: entry.plugin,
          dataset: dataset.name,
          shape,
          options,
          summary,
        },
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  const lines = [
    `${context.style.bold(entry.name)}: ${entry.description}`,
    `plugin: ${entry.plugin}`,
    `built for: ${dataset.name} (${shape.features} features, ${shape.classes} classes)${datasetName === undefined ? '; choose another with --dataset' : ''}`,
  ];
  if (entry.options?.length) {
    lines.push(
      '',
      formatTable(
        ['OPTION', 'VALUE', 'DESCRIPTION'],
        entry.options.map((spec) => [
          `--${kebabCase(spec.name)}`,
          JSON.stringify(options[spec.name]) ?? '',
          spec.description,
        ]),
      ).trimEnd(),
    );
  }
  io.stdout.write(lines.join('\n') + '\n\n' + formatModelSummary(summary));
  return 0;
}

async function datasetInfo(
  context: CommandContext,
  entry: Registered<DatasetEntry>,
): Promise<number> {
  checkStrayOptions(
    context.registry,
    [...context.args.flags.keys()].filter((flag) => context.entryFlags.has(flag)),
    [entry],
  );
  const data = await loadDataset(context, entry);
  const summary = summarizeDataset(data);
  if (context.json) {
    context.io.stdout.write(
      JSON.stringify({ kind: 'dataset', plugin: entry.plugin, ...summary }, null, 2) + '\n',
    );
    return 0;
  }
  const text = formatDatasetSummary(summary);
  context.io.stdout.write(
    `${context.style.bold(entry.name)}: ${entry.description}\nplugin: ${entry.plugin}\n\n${text}${text.endsWith('\n') ? '' : '\n'}`,
  );
  return 0;
}

/** `ch info NAME`: a model's layer table and parameter counts, or a data set's features, classes and splits. */
export const infoCommand: CommandBody = {
  details:
    'A model is built for --dataset (default jsc) without training. A data set is loaded and preprocessed as ch train would.',
  entryOptions: true,
  flags: [
    {
      name: 'dataset',
      type: 'string',
      value: 'NAME',
      description: 'data set whose shape a model is built for (default jsc)',
    },
    ...SPLIT_FLAGS,
    BACKEND_FLAG,
  ],
  async run(context) {
    const words = context.args.positionals;
    const explicit = words[0] === 'model' || words[0] === 'dataset' ? words[0] : undefined;
    const names = explicit ? words.slice(1) : words;
    if (names.length !== 1)
      throw new ConfigError(
        `ch info takes one name, such as "ch info jsc-tiny" or "ch info dataset jsc"; got ${names.length}`,
      );
    const [name] = names;
    const { models, datasets } = context.registry;
    if (explicit === 'model' || (explicit === undefined && models.has(name) && !datasets.has(name)))
      return modelInfo(context, models.get(name));
    if (
      explicit === 'dataset' ||
      (explicit === undefined && datasets.has(name) && !models.has(name))
    )
      return datasetInfo(context, datasets.get(name));
    if (models.has(name)) {
      throw new ConfigError(
        `"${name}" is both a model (plugin ${models.get(name).plugin}) and a data set (plugin ${datasets.get(name).plugin}): use "ch info model ${name}" or "ch info dataset ${name}"`,
      );
    }
    const close = closestNames(
      name,
      [...models.list(), ...datasets.list()].map((entry) => entry.name),
    );
    throw new ConfigError(
      unknownName(`unknown model or data set "${name}"`, close, 'run "ch list" to see all'),
    );
  },
};
