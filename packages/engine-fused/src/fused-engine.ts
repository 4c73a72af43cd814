import { CheckpointError, ModelError, mixSeed, stepSeed, type LayerSpec } from '@machop/core';
import {
  activationBackward,
  activationForward,
  batchNormBackward,
  batchNormInfer,
  batchNormTrain,
  denseBackward,
  denseForward,
  dropoutBackward,
  dropoutForward,
  softmaxCrossEntropy,
  type BatchNormScratch,
} from './kernels.js';
import { FusedOptimizer } from './optimizer.js';
import { planModel, type ModelPlan, type PlannedLayer } from './plan.js';
import type {
  NamedArray,
  OptimizerSettings,
  OptimizerState,
  StepResult,
  TrainTotals,
} from './types.js';
import { fillUniform } from './uniform.js';

/** What a {@link FusedEngine} is built from. */
export interface FusedEngineOptions {
  /** The model's layer list (a registry entry's `layers(...)`). */
  layers: readonly LayerSpec[];
  features: number;
  classes: number;
  /** Seed of the initial weights and of every dropout layer, as in the models package. */
  seed: number;
  optimizer: OptimizerSettings;
}

/** A layer with its weights, gradients and buffers bound. */
interface BoundLayer {
  spec: PlannedLayer;
  width: number;
  /** Named weights of this layer: kernel, bias / gamma, beta, moving_mean, moving_variance. */
  weights: Float32Array[];
  gradients: Float32Array[];
  output: Float32Array;
  /** The array the last forward pass read from. */
  input: Float32Array;
  mask: Float32Array | undefined;
  scratch: BatchNormScratch | undefined;
}

/**
 * Initial weights of a layer list as the models package initialises a tfjs model of it (PyTorch's
 * init, seeded per layer): dense kernel and bias uniform in ±1/sqrt(fan_in) from
 * `mixSeed(seed, i, 0)` and `mixSeed(seed, i, 1)`; batch norm gamma 1, beta 0, running mean 0,
 * running variance 1. Bit-identical to `buildSequential(layers, { seed })`'s weights.
 */
export function initialWeights(plan: ModelPlan, seed: number): NamedArray[] {
  return plan.weights.map((spec) => {
    const values = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
    const layer = plan.layers[spec.layer];
    const part = spec.name.slice(spec.name.lastIndexOf('/') + 1);
    if (layer.kind === 'dense') {
      const bound = 1 / Math.sqrt(layer.inputs);
      fillUniform(values, -bound, bound, mixSeed(seed, spec.layer, part === 'kernel' ? 0 : 1));
    } else if (part === 'gamma' || part === 'moving_variance') values.fill(1);
    return { name: spec.name, shape: [...spec.shape], values };
  });
}

/**
 * The fused engine: a sequential model's forward pass, backward pass and optimizer update as a
 * few loops over preallocated Float32Arrays, with no per-op dispatch. It implements the
 * trainer's `Engine` (`step`, `evaluate`, totals, named weights, optimizer state) with the
 * semantics of the tfjs engine and PyTorch: softmax cross-entropy, batch norm with batch
 * statistics in training and running statistics (momentum 0.1, unbiased variance, eps 1e-5) in
 * inference, and dropout with the same seeded masks as the models package's `SeededDropout`
 * (layer seed mixed with core's `stepSeed()`).
 *
 * @example
 * const engine = new FusedEngine({ layers, features: 16, classes: 5, seed: 0,
 *   optimizer: { kind: 'adam', learningRate: 1e-3, weightDecay: 0 } });
 * const result = engine.step(x, y, 256);
 * console.log(result.loss(), result.accuracy());
 */
export class FusedEngine {
  readonly features: number;
  readonly classes: number;
  readonly plan: ModelPlan;
  private readonly named: NamedArray[];
  private readonly trainable: NamedArray[];
  private readonly gradients: Float32Array[];
  private readonly layers: BoundLayer[];
  private readonly optimizer: FusedOptimizer;
  /** First layer that has trainable weights: no gradient flows below it. */
  private readonly firstTrained: number;
  private readonly maxWidth: number;
  private capacity = 0;
  private gradientA: Float32Array = new Float32Array(0);
  private gradientB: Float32Array = new Float32Array(0);
  private readonly result = new Float64Array(2);
  private totals: TrainTotals = { loss: 0, correct: 0, samples: 0 };

  constructor(options: FusedEngineOptions) {
    this.plan = planModel(options.layers, options);
    this.features = options.features;
    this.classes = options.classes;
    this.named = initialWeights(this.plan, options.seed);
    this.trainable = this.named.filter((_, index) => this.plan.weights[index].trainable);
    this.gradients = this.trainable.map((weight) => new Float32Array(weight.values.length));
    const byLayer = (index: number, trainableOnly: boolean): number[] =>
      this.plan.weights.flatMap((spec, position) =>
        spec.layer === index && (!trainableOnly || spec.trainable) ? [position] : [],
      );
    // Weights of a layer in tfjs' per-layer order (kernel, bias; gamma, beta, moving_mean, moving_variance).
    const perLayer = (index: number): number[] => {
      const names = this.plan.weights;
      return byLayer(index, false).sort((a, b) =>
        names[a].trainable === names[b].trainable ? a - b : names[a].trainable ? -1 : 1,
      );
    };
    this.layers = this.plan.layers.map((spec, index) => {
      const positions = perLayer(index);
      return {
        spec,
        width: spec.kind === 'dense' ? spec.units : spec.width,
        weights: positions.map((position) => this.named[position].values),
        gradients: byLayer(index, true).map(
          (position) => this.gradients[this.trainable.indexOf(this.named[position])],
        ),
        output: new Float32Array(0),
        input: new Float32Array(0),
        mask: undefined,
        scratch:
          spec.kind === 'batchNorm'
            ? {
                normalized: new Float32Array(0),
                inverseStd: new Float64Array(spec.width),
                sums: new Float64Array(spec.width),
                squares: new Float64Array(spec.width),
              }
            : undefined,
      };
    });
    this.firstTrained = this.layers.findIndex((layer) => layer.gradients.length > 0);
    this.maxWidth = Math.max(this.features, ...this.layers.map((layer) => layer.width));
    this.optimizer = new FusedOptimizer(this.trainable, options.optimizer);
  }

  /** Read by every following step. */
  get learningRate(): number {
    return this.optimizer.learningRate;
  }

  set learningRate(value: number) {
    this.optimizer.learningRate = value;
  }

  private ensureCapacity(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, this.capacity * 2);
    for (const layer of this.layers) {
      layer.output = new Float32Array(capacity * layer.width);
      if (layer.spec.kind === 'dropout') layer.mask = new Float32Array(capacity * layer.width);
      if (layer.scratch) layer.scratch.normalized = new Float32Array(capacity * layer.width);
    }
    this.gradientA = new Float32Array(capacity * this.maxWidth);
    this.gradientB = new Float32Array(capacity * this.maxWidth);
    this.capacity = capacity;
  }

  private checkBatch(x: Float32Array, size: number, what: string): void {
    if (!Number.isInteger(size) || size < 1 || x.length < size * this.features)
      throw new ModelError(
        `${what}: ${size} rows of ${this.features} features need ${size * this.features} values; got ${x.length}`,
      );
  }

  private forward(x: Float32Array, rows: number, training: boolean): Float32Array {
    let current = x;
    const stepSeedValue = training ? stepSeed() : 0;
    for (const layer of this.layers) {
      const spec = layer.spec;
      layer.input = current;
      const out = layer.output;
      switch (spec.kind) {
        case 'dense':
          denseForward(
            current,
            rows,
            spec.inputs,
            layer.weights[0],
            layer.weights[1],
            spec.units,
            out,
          );
          break;
        case 'batchNorm': {
          const [gamma, beta, mean, variance] = layer.weights;
          if (training)
            batchNormTrain(
              current,
              rows,
              spec.width,
              gamma,
              beta,
              mean,
              variance,
              spec.momentum,
              spec.epsilon,
              layer.scratch!,
              out,
            );
          else
            batchNormInfer(
              current,
              rows,
              spec.width,
              gamma,
              beta,
              mean,
              variance,
              spec.epsilon,
              layer.scratch!,
              out,
            );
          break;
        }
        case 'activation':
          if (spec.activation === 'linear' && !training) continue;
          activationForward(spec.activation, current, rows * spec.width, out);
          break;
        case 'dropout':
          // Identity in inference, as in PyTorch and tfjs.
          if (!training) continue;
          dropoutForward(
            current,
            rows * spec.width,
            spec.rate,
            mixSeed(spec.seed, stepSeedValue),
            layer.mask!,
            out,
          );
          break;
      }
      current = out;
    }
    return current;
  }

  private backward(rows: number, dLogits: Float32Array): void {
    let dy: Float32Array = dLogits;
    let spare = dy === this.gradientA ? this.gradientB : this.gradientA;
    for (let index = this.layers.length - 1; index >= this.firstTrained; index--) {
      const layer = this.layers[index];
      const spec = layer.spec;
      const dx = index === this.firstTrained ? undefined : spare;
      switch (spec.kind) {
        case 'dense':
          denseBackward(
            layer.input,
            dy,
            rows,
            spec.inputs,
            spec.units,
            layer.weights[0],
            layer.gradients[0],
            layer.gradients[1],
            dx,
          );
          break;
        case 'batchNorm':
          batchNormBackward(
            dy,
            rows,
            spec.width,
            layer.weights[0],
            layer.scratch!,
            layer.gradients[0],
            layer.gradients[1],
            dx,
          );
          break;
        case 'activation':
          activationBackward(spec.activation, layer.output, dy, rows * spec.width, dx!);
          break;
        case 'dropout':
          dropoutBackward(dy, layer.mask!, rows * spec.width, dx!);
          break;
      }
      if (dx) {
        spare = dy;
        dy = dx;
      }
    }
  }

  /**
   * One optimizer step on `size` rows: `x` holds `size * features` values, `y` `size` labels.
   * Dropout masks depend on core's `stepSeed()`, which the trainer sets before each step.
   */
  step(x: Float32Array, y: Int32Array, size: number): StepResult {
    this.checkBatch(x, size, 'training step');
    this.ensureCapacity(size);
    const logits = this.forward(x, size, true);
    const dLogits = this.gradientA;
    softmaxCrossEntropy(logits, y, size, this.classes, dLogits, this.result);
    const [lossSum, correct] = this.result;
    if (this.firstTrained >= 0) {
      this.backward(size, dLogits);
      this.optimizer.apply(this.gradients);
    }
    this.totals.loss += lossSum;
    this.totals.correct += correct;
    this.totals.samples += size;
    const loss = lossSum / size;
    const accuracy = correct / size;
    return { loss: () => loss, accuracy: () => accuracy };
  }

  /** Logits of `size` rows (inference mode) written into `logits` (`size * classes` values). */
  evaluate(x: Float32Array, size: number, logits: Float32Array): void {
    this.checkBatch(x, size, 'evaluate');
    this.ensureCapacity(size);
    logits.set(this.forward(x, size, false).subarray(0, size * this.classes));
  }

  /** Loss and accuracy sums over the steps since {@link FusedEngine.resetTotals}. */
  readTotals(): TrainTotals {
    return { ...this.totals };
  }

  /** Start new sums, from `totals` (a resumed epoch) or zero. */
  resetTotals(totals: TrainTotals = { loss: 0, correct: 0, samples: 0 }): void {
    this.totals = { ...totals };
  }

  /** Every weight, trainable or not, as named copies in tfjs' order (`dense_1/kernel`, ...). */
  getWeights(): NamedArray[] {
    return this.named.map(({ name, shape, values }) => ({
      name,
      shape: [...shape],
      values: values.slice(),
    }));
  }

  /**
   * Copy in weights by name (as {@link getWeights} or a tfjs checkpoint lists them). Every weight
   * must be present with its shape; otherwise a {@link CheckpointError} naming `source`.
   */
  setWeights(weights: readonly NamedArray[], source = 'the given weights'): void {
    const byName = new Map(weights.map((weight) => [weight.name, weight]));
    for (const target of this.named) {
      const given = byName.get(target.name);
      if (!given)
        throw new CheckpointError(
          `${source} has no weight ${target.name}; it belongs to another model (it holds ${weights.map((weight) => weight.name).join(', ')})`,
        );
      if (
        given.values.length !== target.values.length ||
        given.shape.join('x') !== target.shape.join('x')
      )
        throw new CheckpointError(
          `${source}: weight ${target.name} is [${given.shape.join(', ')}], expected [${target.shape.join(', ')}]; it belongs to another model or model options`,
        );
    }
    for (const target of this.named) target.values.set(byName.get(target.name)!.values);
  }

  /** The optimizer's slots and iteration count, named as the trainer's tfjs optimizer names them. */
  getOptimizerState(): OptimizerState {
    return this.optimizer.getState();
  }

  /** Restore optimizer state; a {@link CheckpointError} naming `source` when it does not fit. */
  setOptimizerState(state: OptimizerState, source: string): void {
    this.optimizer.setState(state, source);
  }

  /** Nothing to free: the engine's memory is ordinary JavaScript arrays. */
  dispose(): void {}
}
