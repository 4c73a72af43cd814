import { ConfigError, type LayerSpec, type OptionSpec, type OptionValues } from '@machop/core/base';
import { batchNorm, dense, dropout } from './layer-specs.js';
import type { LayerListContext } from './sequential-entry.js';

const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'elu', 'selu'] as const;

/** The activations `mlp --activation` accepts. */
export type MlpActivation = (typeof ACTIVATIONS)[number];

/** Options of the `mlp` model, with their defaults. */
export const MLP_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'hidden',
    type: 'number-list',
    description: 'widths of the hidden layers, such as 64,32,32',
    default: [64, 32, 32],
  },
  {
    name: 'activation',
    type: 'string',
    description: 'activation after each hidden layer',
    choices: ACTIVATIONS,
    default: 'relu',
  },
  {
    name: 'batchNorm',
    type: 'boolean',
    description: 'batch norm between each hidden Linear and its activation',
    default: true,
  },
  {
    name: 'dropout',
    type: 'number',
    description: 'dropout rate after each hidden activation (0 = none)',
    default: 0,
  },
];

/** The `mlp` options after defaults and checks. */
export interface MlpSettings {
  hidden: number[];
  activation: MlpActivation;
  batchNorm: boolean;
  dropout: number;
}

function show(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : (JSON.stringify(value) ?? String(value));
}

/** The `mlp` options with defaults for what is missing; a bad value is a {@link ConfigError} naming its flag. */
export function mlpSettings(options: OptionValues): MlpSettings {
  const pick = (name: string): unknown =>
    options[name] ?? MLP_OPTIONS.find((spec) => spec.name === name)?.default;
  const hidden = pick('hidden');
  if (
    !Array.isArray(hidden) ||
    hidden.length === 0 ||
    !hidden.every((width) => Number.isInteger(width) && (width as number) >= 1)
  ) {
    throw new ConfigError(
      `mlp --hidden must list positive whole numbers, such as 64,32,32; got ${show(hidden)}`,
    );
  }
  const activation = pick('activation');
  if (!ACTIVATIONS.includes(activation as MlpActivation)) {
    throw new ConfigError(
      `mlp --activation must be one of ${ACTIVATIONS.join(', ')}; got ${show(activation)}`,
    );
  }
  const useBatchNorm = pick('batchNorm');
  if (typeof useBatchNorm !== 'boolean')
    throw new ConfigError(`mlp --batch-norm must be true or false; got ${show(useBatchNorm)}`);
  const rate = pick('dropout');
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    throw new ConfigError(
      `mlp --dropout must be a rate of at least 0 and below 1, such as 0.2; got ${show(rate)}`,
    );
  }
  return {
    hidden: hidden as number[],
    activation: activation as MlpActivation,
    batchNorm: useBatchNorm,
    dropout: rate,
  };
}

/**
 * A multilayer perceptron for any tabular data set: for each hidden width, Linear, then batch
 * norm (if enabled), the activation and dropout (if the rate is above 0); then Linear to the
 * class logits. Unlike the JSC models there is no final ReLU: the logits are not clipped.
 */
export function mlpLayers({ classes, options }: LayerListContext): LayerSpec[] {
  const settings = mlpSettings(options);
  const layers: LayerSpec[] = [];
  for (const width of settings.hidden) {
    layers.push(dense(width));
    if (settings.batchNorm) layers.push(batchNorm());
    layers.push({ type: 'activation', activation: settings.activation });
    if (settings.dropout > 0) layers.push(dropout(settings.dropout));
  }
  layers.push(dense(classes));
  return layers;
}
