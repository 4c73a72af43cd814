import { ConfigError, type DatasetEntry, type OptionValues } from '@machop/core/base';
import { prepareTabular } from '../prepare/prepare.js';
import { generateToy, type ToyOptions } from './generate.js';

const DEFAULTS = { samples: 600, features: 8, classes: 3, separation: 1.5, dataSeed: 0 };

function integer(options: OptionValues, name: keyof typeof DEFAULTS, minimum: number): number {
  const value = options[name] ?? DEFAULTS[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    throw new ConfigError(
      `toy data set: --${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)} must be an integer of at least ${minimum}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function toyOptions(options: OptionValues): ToyOptions {
  const separation = options.separation ?? DEFAULTS.separation;
  if (typeof separation !== 'number' || !(separation >= 0) || !Number.isFinite(separation)) {
    throw new ConfigError(
      `toy data set: --separation must be a number of at least 0, got ${JSON.stringify(separation)}`,
    );
  }
  return {
    samples: integer(options, 'samples', 10),
    features: integer(options, 'features', 1),
    classes: integer(options, 'classes', 2),
    separation,
    seed: integer(options, 'dataSeed', 0),
  };
}

/** `toy`: a small synthetic set of Gaussian clusters, for demos and tests. */
export const toyEntry: DatasetEntry = {
  description:
    'synthetic (not real data): Gaussian clusters, one per class, generated from --data-seed',
  task: 'classification',
  options: [
    {
      name: 'samples',
      type: 'integer',
      description: 'number of rows to generate',
      default: DEFAULTS.samples,
    },
    {
      name: 'features',
      type: 'integer',
      description: 'features per row',
      default: DEFAULTS.features,
    },
    {
      name: 'classes',
      type: 'integer',
      description: 'number of classes',
      default: DEFAULTS.classes,
    },
    {
      name: 'separation',
      type: 'number',
      description: 'spread of the class centres, in noise standard deviations (higher is easier)',
      default: DEFAULTS.separation,
    },
    {
      name: 'dataSeed',
      type: 'integer',
      description: 'seed of the generator (the split has its own --split-seed)',
      default: DEFAULTS.dataSeed,
    },
  ],
  load(context) {
    // The executor turns a thrown option error into a rejected promise.
    return new Promise((resolve) => {
      const options = toyOptions(context.options);
      resolve(
        prepareTabular(generateToy(options), {
          name: 'toy',
          split: context.split,
          scaler: context.scaler,
          source: {
            description: `synthetic (not real data): ${options.samples} rows in ${options.classes} Gaussian clusters over ${options.features} features, separation ${options.separation}, data seed ${options.seed}`,
          },
        }),
      );
    });
  },
};
