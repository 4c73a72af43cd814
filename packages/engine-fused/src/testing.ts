/**
 * @machop/engine-fused/testing: what the engines' tests and benchmarks share, so that each is
 * written once: JSC-shaped rows, a model's layer list by name, a fused engine of a registered
 * model, and the predicted classes of logits.
 *
 * @packageDocumentation
 */
import {
  createRandom,
  getRegistry,
  ModelError,
  type FixedFormat,
  type LayerSpec,
  type OptionValues,
} from '@machop/core';
import { FusedEngine, type FusedEngineOptions } from './fused-engine.js';
import type { OptimizerSettings } from './types.js';

/** JSC's shape: 16 features, 5 classes. */
export const JSC_FEATURES = 16;
export const JSC_CLASSES = 5;

/**
 * `rows` JSC-shaped rows from `seed`: 16 standardised features (sums of three uniforms, so some
 * rows lie far out) and 5 classes that depend on them, so a model can learn them.
 */
export function jscRows(seed: number, rows: number): { x: Float32Array; y: Int32Array } {
  const next = createRandom(seed);
  const x = new Float32Array(rows * JSC_FEATURES);
  const y = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    let score = 0;
    for (let column = 0; column < JSC_FEATURES; column++) {
      const value = (next() + next() + next() - 1.5) * 2;
      x[row * JSC_FEATURES + column] = value;
      score += value * ((column % 5) - 2);
    }
    y[row] = Math.min(JSC_CLASSES - 1, Math.max(0, Math.floor(score / 3 + 2.5)));
  }
  return { x, y };
}

/** The layer list of registered model `name` for JSC's shape (the models plugin loaded). */
export function jscLayers(name: string, seed: number, options: OptionValues = {}): LayerSpec[] {
  const entry = getRegistry().models.get(name);
  if (!entry.layers) throw new ModelError(`model ${name} has no layer list`);
  return entry.layers({ features: JSC_FEATURES, classes: JSC_CLASSES, options, seed });
}

/** Per row of `logits` (`classes` values a row), the index of the largest; a tie takes the first. */
export function argmax(logits: Float32Array, classes = JSC_CLASSES): number[] {
  return Array.from({ length: logits.length / classes }, (_, row) => {
    let best = 0;
    for (let index = 1; index < classes; index++)
      if (logits[row * classes + index] > logits[row * classes + best]) best = index;
    return best;
  });
}

/** Adam at 1e-3, PyTorch's defaults otherwise: what the tests and benchmarks train with. */
export const ADAM: OptimizerSettings = { kind: 'adam', learningRate: 1e-3, weightDecay: 0 };

/** SGD at rate 0: steps compute gradients and statistics but leave the weights alone. */
export const FROZEN: OptimizerSettings = {
  kind: 'sgd',
  learningRate: 0,
  weightDecay: 0,
  momentum: 0,
};

/**
 * A fused engine of registered model `name` (the models plugin loaded) for JSC's shape, seeded
 * with `seed` (its layer list's and its weights'), with {@link ADAM} unless `optimizer` is given;
 * `threads`, `evaluationThreads` and `placement` as in {@link FusedEngineOptions}; with `quant`,
 * its dense layers quantized.
 */
export function jscEngine(
  name: string,
  seed: number,
  options: Partial<Omit<FusedEngineOptions, 'layers' | 'features' | 'classes' | 'seed'>> & {
    modelOptions?: OptionValues;
    /** Quantize every dense layer in this format, as {@link quantizeLinear} does. */
    quant?: FixedFormat;
  } = {},
): FusedEngine {
  const { modelOptions, optimizer = ADAM, quant, ...rest } = options;
  const layers = jscLayers(name, seed, modelOptions);
  return new FusedEngine({
    layers: quant ? quantizeLinear(layers, quant) : layers,
    features: JSC_FEATURES,
    classes: JSC_CLASSES,
    seed,
    optimizer,
    ...rest,
  });
}

/**
 * `layers` with every dense layer quantized as MASE's `by = "type"` linear config does it: input,
 * weight and bias in `format` (8/4 in MASE's example), output and other layers float.
 */
export function quantizeLinear(layers: readonly LayerSpec[], format: FixedFormat): LayerSpec[] {
  return layers.map((layer) =>
    layer.type === 'dense'
      ? { ...layer, quant: { dataIn: format, weight: format, bias: format } }
      : layer,
  );
}
