import { CheckpointError, ModelError, mixSeed, stepSeed, type LayerSpec } from '@machop/core';
import {
  activationBackward,
  activationForward,
  dropoutMask,
  softmaxCrossEntropy,
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
import { Arena, instantiateKernels, type DenseKernels } from './wasm.js';

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

/** Where an array lives in the arena: its byte offset and float32 count. */
interface Slot {
  offset: number;
  count: number;
}

/** A layer with its weights, gradients and buffers bound. Views are re-created when memory grows. */
interface BoundLayer {
  spec: PlannedLayer;
  width: number;
  /** Positions in the engine's weight list: kernel, bias / gamma, beta, moving_mean, moving_variance. */
  weightIndices: number[];
  /** Positions in the engine's trainable list, in the same order. */
  gradientIndices: number[];
  weights: Float32Array[];
  gradients: Float32Array[];
  outputSlot: Slot;
  output: Float32Array;
  /** The array (and its offset) the last forward pass read from. */
  input: Float32Array;
  inputOffset: number;
  maskSlot: Slot | undefined;
  mask: Float32Array | undefined;
  /** Batch norm: x̂ of the last training pass (`capacity * width`), and per channel its mean
   * and 1/σ (or, after an inference pass, the scale and shift it applied). */
  normalizedSlot: Slot | undefined;
  meanSlot: Slot | undefined;
  inverseStdSlot: Slot | undefined;
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
  private readonly arena = new Arena();
  private readonly kernels: DenseKernels;
  private readonly named: NamedArray[];
  private readonly weightSlots: Slot[];
  /** Positions in {@link named} of the trainable weights, in order. */
  private readonly trainableIndices: number[];
  private readonly gradientSlots: Slot[];
  private gradients: Float32Array[] = [];
  private readonly layers: BoundLayer[];
  private readonly optimizer: FusedOptimizer;
  /** First layer that has trainable weights: no gradient flows below it. */
  private readonly firstTrained: number;
  private readonly maxWidth: number;
  private capacity = 0;
  private inputSlot: Slot = { offset: 0, count: 0 };
  private inputBuffer: Float32Array = new Float32Array(0);
  private gradientSlotA: Slot = { offset: 0, count: 0 };
  private gradientSlotB: Slot = { offset: 0, count: 0 };
  private gradientA: Float32Array = new Float32Array(0);
  private gradientB: Float32Array = new Float32Array(0);
  private boundVersion = -1;
  /** Scratch for a transposed dense kernel (the largest one). */
  private readonly transposedOffset: number;
  private readonly result = new Float64Array(2);
  private totals: TrainTotals = { loss: 0, correct: 0, samples: 0 };

  constructor(options: FusedEngineOptions) {
    this.plan = planModel(options.layers, options);
    this.features = options.features;
    this.classes = options.classes;
    this.kernels = instantiateKernels(this.arena.memory);
    const initial = initialWeights(this.plan, options.seed);
    this.weightSlots = initial.map((weight) => ({
      offset: this.arena.allocate(weight.values.length),
      count: weight.values.length,
    }));
    this.named = initial.map(({ name, shape }) => ({ name, shape, values: new Float32Array(0) }));
    this.trainableIndices = this.plan.weights.flatMap((spec, index) =>
      spec.trainable ? [index] : [],
    );
    this.gradientSlots = this.trainableIndices.map((index) => ({
      offset: this.arena.allocate(initial[index].values.length),
      count: initial[index].values.length,
    }));
    const channelSlot = (): Slot => ({ offset: this.arena.allocate(this.maxWidthOf()), count: 0 });
    this.layers = this.plan.layers.map((spec, layerIndex) => {
      const positions = this.plan.weights.flatMap((weight, position) =>
        weight.layer === layerIndex ? [position] : [],
      );
      // Within a layer tfjs' order is trainable first, as in the plan.
      const weightIndices = [
        ...positions.filter((position) => this.plan.weights[position].trainable),
        ...positions.filter((position) => !this.plan.weights[position].trainable),
      ];
      return {
        spec,
        width: spec.kind === 'dense' ? spec.units : spec.width,
        weightIndices,
        gradientIndices: weightIndices
          .filter((position) => this.plan.weights[position].trainable)
          .map((position) => this.trainableIndices.indexOf(position)),
        weights: [],
        gradients: [],
        outputSlot: { offset: 0, count: 0 },
        output: new Float32Array(0),
        input: new Float32Array(0),
        inputOffset: 0,
        maskSlot: undefined,
        mask: undefined,
        normalizedSlot: undefined,
        meanSlot: spec.kind === 'batchNorm' ? channelSlot() : undefined,
        inverseStdSlot: spec.kind === 'batchNorm' ? channelSlot() : undefined,
      };
    });
    this.transposedOffset = this.arena.allocate(
      Math.max(
        0,
        ...this.plan.layers.map((layer) =>
          layer.kind === 'dense' ? layer.inputs * layer.units : 0,
        ),
      ),
    );
    this.firstTrained = this.layers.findIndex((layer) => layer.gradientIndices.length > 0);
    this.maxWidth = Math.max(this.features, ...this.layers.map((layer) => layer.width));
    this.bindViews();
    initial.forEach((weight, index) => this.named[index].values.set(weight.values));
    this.optimizer = new FusedOptimizer(
      this.trainableIndices.map((index) => this.named[index]),
      options.optimizer,
    );
  }

  /** (Re-)create every view into the arena; needed after the memory grew. */
  private bindViews(): void {
    if (this.boundVersion === this.arena.version) return;
    this.boundVersion = this.arena.version;
    const view = (slot: Slot) => this.arena.view(slot.offset, slot.count);
    this.weightSlots.forEach((slot, index) => (this.named[index].values = view(slot)));
    this.gradients = this.gradientSlots.map(view);
    for (const layer of this.layers) {
      layer.weights = layer.weightIndices.map((index) => this.named[index].values);
      layer.gradients = layer.gradientIndices.map((index) => this.gradients[index]);
      layer.output = view(layer.outputSlot);
      if (layer.maskSlot) layer.mask = view(layer.maskSlot);
    }
    this.inputBuffer = view(this.inputSlot);
    this.gradientA = view(this.gradientSlotA);
    this.gradientB = view(this.gradientSlotB);
    // The optimizer updates the weights in place: hand it the new views.
    this.optimizer?.bind(this.trainableIndices.map((index) => this.named[index].values));
  }

  private maxWidthOf(): number {
    return Math.max(
      this.features,
      ...this.plan.layers.map((layer) => ('width' in layer ? layer.width : layer.units)),
    );
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
    // A bump allocator: the smaller buffers are left behind; capacity only doubles, so rarely.
    const slot = (count: number): Slot => ({ offset: this.arena.allocate(count), count });
    for (const layer of this.layers) {
      layer.outputSlot = slot(capacity * layer.width);
      if (layer.spec.kind === 'dropout') layer.maskSlot = slot(capacity * layer.width);
      if (layer.spec.kind === 'batchNorm') layer.normalizedSlot = slot(capacity * layer.width);
    }
    this.inputSlot = slot(capacity * this.features);
    this.gradientSlotA = slot(capacity * this.maxWidth);
    this.gradientSlotB = slot(capacity * this.maxWidth);
    this.capacity = capacity;
    this.boundVersion = -1;
    this.bindViews();
  }

  private checkBatch(x: Float32Array, size: number, what: string): void {
    if (!Number.isInteger(size) || size < 1 || x.length < size * this.features)
      throw new ModelError(
        `${what}: ${size} rows of ${this.features} features need ${size * this.features} values; got ${x.length}`,
      );
  }

  /** Run the layers on the rows in the input buffer; returns the layer whose output holds the logits. */
  private forward(rows: number, training: boolean): Float32Array {
    let current = this.inputBuffer;
    let currentOffset = this.inputSlot.offset;
    const stepSeedValue = training ? stepSeed() : 0;
    for (const layer of this.layers) {
      const spec = layer.spec;
      layer.input = current;
      layer.inputOffset = currentOffset;
      const out = layer.output;
      switch (spec.kind) {
        case 'dense':
          this.kernels.denseForward(
            currentOffset,
            rows,
            spec.inputs,
            this.weightSlots[layer.weightIndices[0]].offset,
            spec.useBias ? this.weightSlots[layer.weightIndices[1]].offset : 0,
            spec.units,
            layer.outputSlot.offset,
          );
          break;
        case 'batchNorm': {
          const [gamma, beta, mean, variance] = layer.weightIndices.map(
            (index) => this.weightSlots[index].offset,
          );
          if (training)
            this.kernels.batchNormTrain(
              currentOffset,
              rows,
              spec.width,
              gamma,
              beta,
              mean,
              variance,
              spec.momentum,
              spec.epsilon,
              layer.meanSlot!.offset,
              layer.inverseStdSlot!.offset,
              layer.normalizedSlot!.offset,
              layer.outputSlot.offset,
            );
          else {
            // Fold the running statistics into one scale and shift per channel.
            const [gammaValues, betaValues, meanValues, varianceValues] = layer.weights;
            const scale = this.arena.view(layer.meanSlot!.offset, spec.width);
            const shift = this.arena.view(layer.inverseStdSlot!.offset, spec.width);
            for (let channel = 0; channel < spec.width; channel++) {
              const factor =
                gammaValues[channel] / Math.sqrt(varianceValues[channel] + spec.epsilon);
              scale[channel] = factor;
              shift[channel] = betaValues[channel] - meanValues[channel] * factor;
            }
            this.kernels.scaleShift(
              currentOffset,
              rows,
              spec.width,
              layer.meanSlot!.offset,
              layer.inverseStdSlot!.offset,
              layer.outputSlot.offset,
            );
          }
          break;
        }
        case 'activation':
          if (spec.activation === 'linear' && !training) continue;
          if (spec.activation === 'relu')
            this.kernels.reluForward(currentOffset, rows * spec.width, layer.outputSlot.offset);
          else activationForward(spec.activation, current, rows * spec.width, out);
          break;
        case 'dropout':
          // Identity in inference, as in PyTorch and tfjs.
          if (!training) continue;
          dropoutMask(rows * spec.width, spec.rate, mixSeed(spec.seed, stepSeedValue), layer.mask!);
          this.kernels.multiply(
            currentOffset,
            layer.maskSlot!.offset,
            rows * spec.width,
            layer.outputSlot.offset,
          );
          break;
      }
      current = out;
      currentOffset = layer.outputSlot.offset;
    }
    return current;
  }

  private backward(rows: number): void {
    // The loss gradient is in gradientA.
    let dy = this.gradientA;
    let dyOffset = this.gradientSlotA.offset;
    let spare = this.gradientB;
    let spareOffset = this.gradientSlotB.offset;
    for (let index = this.layers.length - 1; index >= this.firstTrained; index--) {
      const layer = this.layers[index];
      const spec = layer.spec;
      const last = index === this.firstTrained;
      switch (spec.kind) {
        case 'dense': {
          const gradients = layer.gradientIndices;
          this.kernels.denseWeightGradients(
            layer.inputOffset,
            dyOffset,
            rows,
            spec.inputs,
            spec.units,
            this.gradientSlots[gradients[0]].offset,
            spec.useBias ? this.gradientSlots[gradients[1]].offset : 0,
          );
          if (!last)
            this.kernels.denseInputGradients(
              dyOffset,
              rows,
              spec.inputs,
              spec.units,
              this.weightSlots[layer.weightIndices[0]].offset,
              this.transposedOffset,
              spareOffset,
            );
          break;
        }
        case 'batchNorm': {
          const gradients = layer.gradientIndices;
          this.kernels.batchNormBackward(
            dyOffset,
            rows,
            spec.width,
            this.weightSlots[layer.weightIndices[0]].offset,
            layer.inverseStdSlot!.offset,
            layer.normalizedSlot!.offset,
            this.gradientSlots[gradients[0]].offset,
            this.gradientSlots[gradients[1]].offset,
            last ? 0 : spareOffset,
          );
          break;
        }
        case 'activation':
          if (spec.activation === 'relu')
            this.kernels.reluBackward(
              layer.outputSlot.offset,
              dyOffset,
              rows * spec.width,
              spareOffset,
            );
          else activationBackward(spec.activation, layer.output, dy, rows * spec.width, spare);
          break;
        case 'dropout':
          this.kernels.multiply(dyOffset, layer.maskSlot!.offset, rows * spec.width, spareOffset);
          break;
      }
      if (!last) {
        [dy, spare] = [spare, dy];
        [dyOffset, spareOffset] = [spareOffset, dyOffset];
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
    this.inputBuffer.set(x.subarray(0, size * this.features));
    const logits = this.forward(size, true);
    softmaxCrossEntropy(logits, y, size, this.classes, this.gradientA, this.result);
    const [lossSum, correct] = this.result;
    if (this.firstTrained >= 0) {
      this.backward(size);
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
    this.inputBuffer.set(x.subarray(0, size * this.features));
    logits.set(this.forward(size, false).subarray(0, size * this.classes));
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

  /** Nothing to free by hand: the engine's WebAssembly memory is collected with it. */
  dispose(): void {}
}
