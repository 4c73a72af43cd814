import { ModelError, type LayerSpec, type QuantSpec } from '@machop/core';
import { kindFor } from './layers/index.js';

/** An activation the engine implements. */
export type ActivationName = 'relu' | 'tanh' | 'sigmoid' | 'elu' | 'selu' | 'linear';

/** One layer of a planned model, with its input and output widths resolved. */
export type PlannedLayer =
  | {
      kind: 'dense';
      name: string;
      inputs: number;
      units: number;
      useBias: boolean;
      /** Fake quantization of its input, weight, bias and output (see core's `QuantSpec`). */
      quant?: QuantSpec;
    }
  | { kind: 'batchNorm'; name: string; width: number; momentum: number; epsilon: number }
  | {
      kind: 'activation';
      name: string;
      width: number;
      activation: ActivationName;
      /** A ReLU's fake quantization of its input, unsigned. */
      quant?: QuantSpec;
    }
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

/**
 * Why a layer list cannot run on the fused engine, or undefined when it can. The trainer's
 * `engine: 'auto'` reports this reason when it falls back to tfjs.
 */
export function unsupportedReason(layers: readonly LayerSpec[]): string | undefined {
  if (layers.length === 0) return 'the layer list is empty';
  for (const [index, spec] of layers.entries()) {
    const kind = kindFor(spec);
    if (!kind)
      return `layer ${index} has type ${JSON.stringify((spec as { type: unknown }).type)}, which the fused engine does not implement`;
    const reason = kind.unsupportedReason(spec, index);
    if (reason !== undefined) return reason;
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
 * `mixSeed(seed, i)`, as there. Each layer kind (src/layers/) gives its shape rule and weights.
 * Throws {@link ModelError} for a list it cannot run.
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
    const made = kindFor(spec)!.plan(spec, { index, width, seed, nameFor });
    planned.push(made.layer);
    for (const weight of made.weights)
      weights.push({
        name: `${made.layer.name}/${weight.part}`,
        shape: weight.shape,
        trainable: weight.trainable,
        layer: index,
      });
    width = made.width;
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
