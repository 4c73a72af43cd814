import { ModelError, mixSeed, type LayerSpec, type LayersModel, type Tf } from '@machop/core';
import { PyTorchBatchNorm } from './layers/batch-norm.js';
import { layerClasses } from './layers/classes.js';
import { checkQuantSpec } from './layers/fake-quantize.js';
import { SeededDropout } from './layers/seeded-dropout.js';

/** What {@link buildSequential} needs besides the layer list. */
export interface BuildOptions {
  /** Width of the input rows. */
  features: number;
  /** Seed of every initialiser and dropout mask; the same seed gives the same weights on any backend. */
  seed: number;
  /** The TensorFlow.js namespace to build with (`tf` from `@machop/core`). */
  tf: Tf;
}

// PyTorch's BatchNorm1d defaults: its momentum 0.1 weighs the new batch, tfjs' 0.9 the old value.
const BATCH_NORM_MOMENTUM = 0.9;
const BATCH_NORM_EPSILON = 1e-5;

const PREFIX: Record<LayerSpec['type'], string> = {
  dense: 'dense',
  batchNorm: 'batch_norm',
  activation: '',
  dropout: 'dropout',
};

function checkWholePositive(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new ModelError(`${what} must be a positive whole number; got ${String(value)}`);
}

/**
 * Build a tfjs model from a layer list, initialised as PyTorch initialises the same layers:
 * dense kernels and biases uniform in ±1/sqrt(fan_in) (what `nn.Linear`'s default Kaiming-uniform
 * init works out to), batch norm with gamma 1, beta 0, running mean 0 and variance 1, momentum 0.1
 * in PyTorch's sense, epsilon 1e-5 and PyTorch's unbiased running variance. Layer `i` draws from `mixSeed(seed, i, 0)` (kernel) and
 * `mixSeed(seed, i, 1)` (bias); dropout layer `i` has seed `mixSeed(seed, i)`. tfjs generates
 * seeded random values in JavaScript, so weights do not depend on the backend.
 *
 * Layers are named by kind and position among their kind (`dense_1`, `batch_norm_2`, `relu_3`),
 * so the weight names in a checkpoint are stable across builds.
 *
 * A dense layer or ReLU with `quant` fakes MASE's integer quantization in its forward (a dense
 * layer's input, kernel, bias and, with `dataOut`, output; a ReLU's input, unsigned and always
 * rounded, as MASE's) and passes
 * gradients straight through; its weights stay float under the same names, and `quant` is saved
 * in the layer's config in `model.json` (see {@link layerClasses}).
 */
export function buildSequential(layers: readonly LayerSpec[], options: BuildOptions): LayersModel {
  const { features, seed, tf } = options;
  checkWholePositive(features, 'the number of input features');
  if (layers.length === 0)
    throw new ModelError('a sequential model needs at least one layer; the layer list is empty');
  const model = tf.sequential();
  const counts = new Map<string, number>();
  const nameFor = (prefix: string): string => {
    const count = (counts.get(prefix) ?? 0) + 1;
    counts.set(prefix, count);
    return `${prefix}_${count}`;
  };
  let fanIn = features;
  layers.forEach((spec, index) => {
    // Only the first layer declares the input; the others infer it.
    const input = index === 0 ? { inputShape: [features] } : {};
    switch (spec.type) {
      case 'dense': {
        checkWholePositive(spec.units, `dense layer ${index} units`);
        const bound = 1 / Math.sqrt(fanIn);
        const uniform = (part: number) =>
          tf.initializers.randomUniform({
            minval: -bound,
            maxval: bound,
            seed: mixSeed(seed, index, part),
          });
        const dense = {
          ...input,
          name: nameFor(PREFIX.dense),
          units: spec.units,
          useBias: spec.useBias !== false,
          kernelInitializer: uniform(0),
          biasInitializer: uniform(1),
        };
        if (spec.quant === undefined) model.add(tf.layers.dense(dense));
        else {
          checkQuantSpec(spec.quant, `dense layer ${index}`);
          model.add(new (layerClasses(tf).QuantizedDense)({ ...dense, quant: spec.quant }));
        }
        fanIn = spec.units;
        break;
      }
      case 'batchNorm':
        // PyTorch's running variance (unbiased); saved as tfjs' own BatchNormalization.
        model.add(
          new PyTorchBatchNorm({
            ...input,
            name: nameFor(PREFIX.batchNorm),
            momentum: spec.momentum ?? BATCH_NORM_MOMENTUM,
            epsilon: spec.epsilon ?? BATCH_NORM_EPSILON,
            gammaInitializer: 'ones',
            betaInitializer: 'zeros',
            movingMeanInitializer: 'zeros',
            movingVarianceInitializer: 'ones',
          }),
        );
        break;
      case 'activation': {
        const activation = {
          ...input,
          name: nameFor(spec.activation),
          activation: spec.activation,
        };
        if (spec.quant === undefined) model.add(tf.layers.activation(activation));
        else {
          checkQuantSpec(spec.quant, `activation layer ${index}`);
          if (spec.activation !== 'relu')
            throw new ModelError(
              `activation layer ${index} is ${spec.activation}; only a relu can be quantized (MASE quantizes a ReLU's input), so remove its quant`,
            );
          model.add(
            new (layerClasses(tf).QuantizedActivation)({ ...activation, quant: spec.quant }),
          );
        }
        break;
      }
      case 'dropout': {
        const dropout = new SeededDropout({
          name: nameFor(PREFIX.dropout),
          rate: spec.rate,
          seed: mixSeed(seed, index),
        });
        // A custom layer first in the list needs an explicit input layer.
        if (index === 0) model.add(tf.layers.inputLayer({ inputShape: [features] }));
        model.add(dropout);
        break;
      }
      default:
        throw new ModelError(
          `layer ${index} has unknown type ${JSON.stringify((spec as { type: unknown }).type)}; use dense, batchNorm, activation or dropout`,
        );
    }
  });
  return model;
}
