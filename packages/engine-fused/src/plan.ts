import { ModelError, mixSeed, type LayerSpec } from '@machop/core';

/** An activation the engine implements. */
export type ActivationName = 'relu' | 'tanh' | 'sigmoid' | 'elu' | 'selu' | 'linear';

/** One layer of a planned model, with its input and output widths resolved. */
export type PlannedLayer =
  | { kind: 'dense'; name: string; inputs: number; units: number; useBias: boolean }
  | { kind: 'batchNorm'; name: string; width: number; momentum: number; epsilon: number }
  | { kind: 'activation'; name: string; width: number; activation: ActivationName }
  | { kind: 'dropout'; name: string; width: number; rate: number; seed: number };

/** A named weight of a planned model, in tfjs' order and naming (`dense_1/kernel`). */
export interface WeightSpec {
  name: string;
  shape: number[];
  trainable: boolean;
  /** Index into {@link ModelPlan.layers}. */
  layer: number;
}

/** A layer list checked and resolved for the fused engine. */
export interface ModelPlan {
  features: number;
  classes: number;
  layers: PlannedLayer[];
  /** Every weight, trainable or not, in the order tfjs' `model.weights` lists them. */
  weights: WeightSpec[];
}

/** PyTorch's BatchNorm1d defaults: the new batch weighs 0.1 in the running statistics. */
const BATCH_NORM_MOMENTUM = 0.1;
const BATCH_NORM_EPSILON = 1e-5;

const ACTIVATIONS: readonly ActivationName[] = ['relu', 'tanh', 'sigmoid', 'elu', 'selu', 'linear'];

/**
 * Why a layer list cannot run on the fused engine, or undefined when it can. The trainer's
 * `engine: 'auto'` reports this reason when it falls back to tfjs.
 */
export function unsupportedReason(layers: readonly LayerSpec[]): string | undefined {
  if (layers.length === 0) return 'the layer list is empty';
  for (const [index, spec] of layers.entries()) {
    const type = (spec as { type: unknown }).type;
    // Until the fused kernels fake quantization, a quantized layer must not silently run float.
    if ((spec as { quant?: unknown }).quant !== undefined)
      return `layer ${index} is quantized, which the fused engine does not implement yet`;
    if (spec.type === 'activation') {
      if (!ACTIVATIONS.includes(spec.activation))
        return `layer ${index} has activation ${JSON.stringify(spec.activation)}, which the fused engine does not implement`;
    } else if (spec.type === 'batchNorm') {
      // The models package gives tfjs' momentum (weight of the old value); only its default, PyTorch's 0.1, is implemented.
      if (spec.momentum !== undefined && Math.abs(spec.momentum - (1 - BATCH_NORM_MOMENTUM)) > 1e-9)
        return `layer ${index} is a batch norm with momentum ${spec.momentum}; the fused engine implements PyTorch's 0.1 only`;
    } else if (spec.type !== 'dense' && spec.type !== 'dropout') {
      return `layer ${index} has type ${JSON.stringify(type)}, which the fused engine does not implement`;
    }
  }
  return undefined;
}

function wholePositive(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new ModelError(`${what} must be a positive whole number; got ${String(value)}`);
}

/**
 * Resolve a layer list for `features` inputs and `classes` outputs. Layers are named as the
 * models package names them (`dense_1`, `batch_norm_2`, `relu_3`, `dropout_1`), so weight
 * names equal those of the tfjs model built from the same list; dropout layer `i` has seed
 * `mixSeed(seed, i)`, as there. Throws {@link ModelError} for a list it cannot run.
 */
export function planModel(
  layers: readonly LayerSpec[],
  shape: { features: number; classes: number; seed: number },
): ModelPlan {
  const { features, classes, seed } = shape;
  wholePositive(features, 'the number of input features');
  wholePositive(classes, 'the number of classes');
  const reason = unsupportedReason(layers);
  if (reason !== undefined) throw new ModelError(`cannot run on the fused engine: ${reason}`);
  const counts = new Map<string, number>();
  const nameFor = (prefix: string): string => {
    const count = (counts.get(prefix) ?? 0) + 1;
    counts.set(prefix, count);
    return `${prefix}_${count}`;
  };
  const planned: PlannedLayer[] = [];
  const weights: WeightSpec[] = [];
  let width = features;
  layers.forEach((spec, index) => {
    switch (spec.type) {
      case 'dense': {
        wholePositive(spec.units, `dense layer ${index} units`);
        const name = nameFor('dense');
        const useBias = spec.useBias !== false;
        planned.push({ kind: 'dense', name, inputs: width, units: spec.units, useBias });
        weights.push({
          name: `${name}/kernel`,
          shape: [width, spec.units],
          trainable: true,
          layer: index,
        });
        if (useBias)
          weights.push({
            name: `${name}/bias`,
            shape: [spec.units],
            trainable: true,
            layer: index,
          });
        width = spec.units;
        break;
      }
      case 'batchNorm': {
        const name = nameFor('batch_norm');
        planned.push({
          kind: 'batchNorm',
          name,
          width,
          momentum: BATCH_NORM_MOMENTUM,
          epsilon: spec.epsilon ?? BATCH_NORM_EPSILON,
        });
        for (const [part, trainable] of [
          ['gamma', true],
          ['beta', true],
          ['moving_mean', false],
          ['moving_variance', false],
        ] as const)
          weights.push({ name: `${name}/${part}`, shape: [width], trainable, layer: index });
        break;
      }
      case 'activation':
        planned.push({
          kind: 'activation',
          name: nameFor(spec.activation),
          width,
          activation: spec.activation,
        });
        break;
      case 'dropout':
        if (!(spec.rate >= 0 && spec.rate < 1))
          throw new ModelError(
            `dropout layer ${index} rate must be at least 0 and below 1; got ${String(spec.rate)}`,
          );
        planned.push({
          kind: 'dropout',
          name: nameFor('dropout'),
          width,
          rate: spec.rate,
          seed: mixSeed(seed, index),
        });
        break;
    }
  });
  if (width !== classes)
    throw new ModelError(
      `the layer list ends with width ${width}, but the data has ${classes} classes; end it with dense(${classes})`,
    );
  // A tfjs model lists every layer's trainable weights first, then every layer's others.
  const ordered = [
    ...weights.filter((weight) => weight.trainable),
    ...weights.filter((weight) => !weight.trainable),
  ];
  return { features, classes, layers: planned, weights: ordered };
}

/**
 * Multiply-adds of one row's forward pass through the dense layers: the work a step splits
 * between threads (the backward pass does about twice as much again).
 */
export function denseMultiplyAdds(plan: ModelPlan): number {
  return plan.layers.reduce(
    (sum, layer) => sum + (layer.kind === 'dense' ? layer.inputs * layer.units : 0),
    0,
  );
}

/**
 * Dense multiply-adds per step (rows times {@link denseMultiplyAdds}) below which a second thread
 * has too little to share; and the fewest rows a step must have (each thread half of them).
 * Measured on a quiet 2-core machine (the README's "Two threads"): from batch 1024 two threads
 * ran 1.25–1.7x one thread for jsc-tiny, jsc-custom and jsc-s; at 256 at most 1.3x on the
 * worker and about 0.95x when the engine kept both halves on one thread.
 */
export const TWO_THREAD_STEP_WORK = 65_536;
export const TWO_THREAD_ROWS = 1024;

/**
 * The threads `auto` gives a model trained in batches of `batchSize` rows on a machine with
 * `cores` cores: 2 when there are two cores or more and a step has at least
 * {@link TWO_THREAD_ROWS} rows and {@link TWO_THREAD_STEP_WORK} dense multiply-adds, else 1. It
 * depends on the model, the batch size and the core count only, so a run is reproducible on any
 * machine with as many cores.
 */
export function suggestThreads(plan: ModelPlan, batchSize: number, cores: number): 1 | 2 {
  return cores >= 2 &&
    batchSize >= TWO_THREAD_ROWS &&
    batchSize * denseMultiplyAdds(plan) >= TWO_THREAD_STEP_WORK
    ? 2
    : 1;
}

/**
 * The inference threads `auto` gives on a machine with `cores` cores: 2 from two cores on.
 * Inference splits only batches of `SHARED_INFERENCE_ROWS` rows or more, whose halves are
 * independent (no merge within the pass), so the second thread pays for every JSC model there.
 */
export function suggestEvaluationThreads(cores: number): 1 | 2 {
  return cores >= 2 ? 2 : 1;
}
