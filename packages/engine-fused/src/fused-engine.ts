import {
  BackendError,
  CheckpointError,
  ConfigError,
  ModelError,
  mixSeed,
  stepSeed,
  type LayerSpec,
} from '@machop/core';
import {
  activationBackward,
  activationForward,
  dropoutMask,
  dropoutMasks,
  softmaxCrossEntropy,
} from './kernels.js';
import { FusedOptimizer } from './optimizer.js';
import { Partner } from './partner.js';
import { planModel, type ModelPlan, type PlannedLayer } from './plan.js';
import { TwoThreadSchedule } from './schedule.js';
import type { ShardLink } from './shard-link.js';
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
  /**
   * 1 (the default) or 2. With 2, every training batch is computed as two halves whose
   * batch-norm statistics and gradients are merged, in a fixed order, within the step: the same
   * step as on one thread up to the order of float32 sums, and deterministic for a seed and
   * thread count. The second half runs on a worker thread while that is measured to be faster
   * than running both halves here (it is not on a busy machine); either way the numbers are the
   * same. Pays for large steps (see the README); {@link FusedEngine.dispose} stops the worker.
   */
  threads?: number;
  /**
   * Where a two-thread engine runs the second half of each batch: `auto` (the default) measures
   * both places as it trains and takes the faster; `worker` and `here` fix it (for benchmarks
   * and tests: the numbers are the same either way).
   */
  placement?: 'auto' | 'worker' | 'here';
  /**
   * Threads of inference ({@link FusedEngine.evaluate}): 1 or 2, default `threads`. With 2, an
   * inference batch of {@link SHARED_INFERENCE_ROWS} rows or more is split in two halves, the
   * second computed on the worker thread (started at the first such batch when `threads` is 1).
   * Rows are independent in inference and each row is computed by the same kernels in the same
   * order on either thread, so the logits are bit-identical to one thread's.
   */
  evaluationThreads?: number;
}

/** Inference batches smaller than this stay on one thread: the rest is too small to share. */
export const SHARED_INFERENCE_ROWS = 512;
/** Chunks the second half of a shared inference batch is cut into, for either thread to claim. */
const INFERENCE_CHUNKS = 8;

/** Where an array lives in the arena: its byte offset and float32 count. */
interface Slot {
  offset: number;
  count: number;
}

/** A layer with its weights bound. Views are re-created when memory grows. */
interface BoundLayer {
  spec: PlannedLayer;
  width: number;
  /** Positions in the engine's weight list: kernel, bias / gamma, beta, moving_mean, moving_variance. */
  weightIndices: number[];
  /** Positions in the engine's trainable list, in the same order. */
  gradientIndices: number[];
  weights: Float32Array[];
  /** Batch norm: per channel the batch's mean and 1/σ (or, after an inference pass, the scale
   * and shift it applied). */
  meanSlot: Slot | undefined;
  inverseStdSlot: Slot | undefined;
  /** Views of the two slots above (of `width` values). */
  mean: Float32Array;
  inverseStd: Float32Array;
}

/** A lane's buffers for one layer. */
interface LaneLayer {
  outputSlot: Slot;
  output: Float32Array;
  /** The array (and its offset) the last forward pass read from. */
  input: Float32Array;
  inputOffset: number;
  maskSlot: Slot | undefined;
  mask: Float32Array | undefined;
  /** Batch norm: x̂ of the last training pass (`capacity * width`). */
  normalizedSlot: Slot | undefined;
  /** Batch norm of a two-lane engine: this lane's mean and Σ(x − mean)² before the merge. */
  momentSlots: [Slot, Slot] | undefined;
  /** Views of the two moment slots. */
  moments: [Float32Array, Float32Array];
}

/**
 * A share of each batch's rows, with its own activations and gradients; the weights are the
 * engine's. A one-thread engine has one lane; a two-thread engine has lanes 0 and 1 (the first
 * and second half of each batch), and runs lane 1 here or on its worker thread.
 */
interface Lane {
  rows: number;
  /** The lane's first row in the batch. */
  rowOffset: number;
  labels: Int32Array;
  capacity: number;
  inputSlot: Slot;
  inputBuffer: Float32Array;
  gradientSlotA: Slot;
  gradientSlotB: Slot;
  gradientA: Float32Array;
  gradientB: Float32Array;
  /** Per trainable weight, this lane's gradient. */
  gradientSlots: Slot[];
  gradients: Float32Array[];
  layers: LaneLayer[];
  /** Forward pass: the array the next layer reads. */
  cursor: Float32Array;
  cursorOffset: number;
  /** Loss sum and correct count of the last pass (the batch's, once merged). */
  result: Float64Array;
  /** The lane's batch-norm moments as float64, as a worker would send them over the link. */
  scratch: Float64Array;
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
  private readonly layers: BoundLayer[];
  /** The lanes this thread computes (lane 1 only, on a worker thread). */
  private readonly lanes: Lane[];
  private readonly optimizer: FusedOptimizer;
  /** First layer that has trainable weights: no gradient flows below it. */
  private readonly firstTrained: number;
  private readonly maxWidth: number;
  private boundVersion = -1;
  /** Scratch for a transposed dense kernel (the largest one). */
  private readonly transposedOffset: number;
  private totals: TrainTotals = { loss: 0, correct: 0, samples: 0 };
  /** 2 when each batch is computed as two lanes. */
  private readonly laneCount: number;
  /** Per trainable weight: its gradient is merged across lanes in the backward pass already. */
  private readonly mergedEarly: boolean[];
  /** The main thread of two: the worker that can take lane 1 (or half an inference batch). */
  private partner: Partner | undefined;
  /** Either thread of two: where the threads meet within a step. */
  private link: ShardLink | undefined;
  /** How a worker is started when inference needs one first (a one-thread engine's). */
  private readonly partnerSpec: { options: FusedEngineOptions; capacity: number } | undefined;
  /** Threads of inference: 2 splits batches of {@link SHARED_INFERENCE_ROWS} rows or more. */
  readonly evaluationThreads: number;
  private readonly evaluations = { split: 0, batches: 0 };
  private disposed = false;
  private readonly placement: 'auto' | 'worker' | 'here';
  private readonly schedule: TwoThreadSchedule | undefined;
  /** The worker's copy of the weights and optimizer state is out of date. */
  private partnerStale = true;

  /** @param link internal: set on the worker thread of a two-thread engine. */
  constructor(options: FusedEngineOptions, link?: ShardLink) {
    const threads = options.threads ?? 1;
    if (threads !== 1 && threads !== 2)
      throw new ConfigError(`threads must be 1 or 2; got ${JSON.stringify(options.threads)}`);
    this.evaluationThreads = link ? 1 : (options.evaluationThreads ?? threads);
    if (this.evaluationThreads !== 1 && this.evaluationThreads !== 2)
      throw new ConfigError(
        `evaluationThreads must be 1 or 2; got ${JSON.stringify(options.evaluationThreads)}`,
      );
    this.plan = planModel(options.layers, options);
    this.features = options.features;
    this.classes = options.classes;
    this.laneCount = link ? 2 : threads;
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
    this.maxWidth = Math.max(
      this.features,
      ...this.plan.layers.map((layer) => (layer.kind === 'dense' ? layer.units : layer.width)),
    );
    const channelSlot = (): Slot => ({ offset: this.arena.allocate(this.maxWidth), count: 0 });
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
        meanSlot: spec.kind === 'batchNorm' ? channelSlot() : undefined,
        inverseStdSlot: spec.kind === 'batchNorm' ? channelSlot() : undefined,
        mean: new Float32Array(0),
        inverseStd: new Float32Array(0),
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
    // The gradients of a batch norm that passes a gradient on are merged in the backward pass.
    this.mergedEarly = this.trainableIndices.map(() => false);
    this.layers.forEach((layer, index) => {
      if (layer.spec.kind === 'batchNorm' && index > this.firstTrained)
        for (const gradient of layer.gradientIndices) this.mergedEarly[gradient] = true;
    });
    const gradientValues = initial.reduce(
      (sum, weight, index) => sum + (this.plan.weights[index].trainable ? weight.values.length : 0),
      0,
    );
    const mergeCapacity = Math.max(2 + gradientValues, 1 + 2 * this.maxWidth);
    // This thread's lanes: lane 1 alone on a worker thread, both on the main thread of two.
    this.lanes = Array.from({ length: !link && threads === 2 ? 2 : 1 }, () =>
      this.makeLane(initial),
    );
    this.bindViews();
    initial.forEach((weight, index) => this.named[index].values.set(weight.values));
    this.optimizer = new FusedOptimizer(
      this.trainableIndices.map((index) => this.named[index]),
      options.optimizer,
    );
    this.placement = options.placement ?? 'auto';
    const { threads: _, placement: __, evaluationThreads: ___, ...oneThread } = options;
    this.partnerSpec = link ? undefined : { options: oneThread, capacity: mergeCapacity };
    if (link) this.link = link;
    else if (threads === 2) {
      this.startPartner();
      const placement = options.placement ?? 'auto';
      if (!['auto', 'worker', 'here'].includes(placement))
        throw new ConfigError(
          `placement must be auto, worker or here; got ${JSON.stringify(options.placement)}`,
        );
      this.schedule = new TwoThreadSchedule(
        placement === 'auto' ? undefined : placement === 'worker',
      );
    }
  }

  /** Start the worker thread (with the weights of this one at its first command). */
  private startPartner(): Partner {
    const { options, capacity } = this.partnerSpec!;
    this.partner = new Partner(options, capacity, this.features, this.classes);
    this.link = this.partner.link;
    this.partnerStale = true;
    return this.partner;
  }

  private makeLane(initial: NamedArray[]): Lane {
    const empty: Slot = { offset: 0, count: 0 };
    const channelSlot = (): Slot => ({ offset: this.arena.allocate(this.maxWidth), count: 0 });
    return {
      rows: 0,
      rowOffset: 0,
      labels: new Int32Array(0),
      capacity: 0,
      inputSlot: empty,
      inputBuffer: new Float32Array(0),
      gradientSlotA: empty,
      gradientSlotB: empty,
      gradientA: new Float32Array(0),
      gradientB: new Float32Array(0),
      gradientSlots: this.trainableIndices.map((position) => ({
        offset: this.arena.allocate(initial[position].values.length),
        count: initial[position].values.length,
      })),
      gradients: [],
      layers: this.layers.map((layer) => ({
        outputSlot: empty,
        output: new Float32Array(0),
        input: new Float32Array(0),
        inputOffset: 0,
        maskSlot: undefined,
        mask: undefined,
        normalizedSlot: undefined,
        momentSlots:
          layer.spec.kind === 'batchNorm' && this.laneCount === 2
            ? [channelSlot(), channelSlot()]
            : undefined,
        moments: [new Float32Array(0), new Float32Array(0)],
      })),
      cursor: new Float32Array(0),
      cursorOffset: 0,
      result: new Float64Array(2),
      // Both lanes here merge through it only their batch-norm moments (count, means, squares).
      scratch: new Float64Array(this.laneCount === 2 ? 1 + 2 * this.maxWidth : 0),
    };
  }

  /** (Re-)create every view into the arena; needed after the memory grew. */
  private bindViews(): void {
    if (this.boundVersion === this.arena.version) return;
    this.boundVersion = this.arena.version;
    const view = (slot: Slot) => this.arena.view(slot.offset, slot.count);
    this.weightSlots.forEach((slot, index) => (this.named[index].values = view(slot)));
    for (const layer of this.layers) {
      layer.weights = layer.weightIndices.map((index) => this.named[index].values);
      if (layer.meanSlot && layer.inverseStdSlot) {
        layer.mean = this.arena.view(layer.meanSlot.offset, layer.width);
        layer.inverseStd = this.arena.view(layer.inverseStdSlot.offset, layer.width);
      }
    }
    for (const lane of this.lanes) {
      lane.gradients = lane.gradientSlots.map(view);
      lane.inputBuffer = view(lane.inputSlot);
      lane.gradientA = view(lane.gradientSlotA);
      lane.gradientB = view(lane.gradientSlotB);
      lane.layers.forEach((layer, index) => {
        layer.output = view(layer.outputSlot);
        if (layer.maskSlot) layer.mask = view(layer.maskSlot);
        const width = this.layers[index].width;
        if (layer.momentSlots)
          layer.moments = [
            this.arena.view(layer.momentSlots[0].offset, width),
            this.arena.view(layer.momentSlots[1].offset, width),
          ];
      });
    }
    // The optimizer updates the weights in place: hand it the new views.
    this.optimizer?.bind(this.trainableIndices.map((index) => this.named[index].values));
  }

  /** Threads this engine trains on: 1, or 2 when each batch is split between two. */
  get threads(): number {
    return this.laneCount;
  }

  /**
   * Of a two-thread engine, the training steps whose second half ran on the worker thread and
   * all steps so far: the engine runs both halves on this thread when that is measured faster.
   */
  get workerSteps(): { worker: number; steps: number } {
    return this.schedule?.counts() ?? { worker: 0, steps: 0 };
  }

  /** Read by every following step. */
  get learningRate(): number {
    return this.optimizer.learningRate;
  }

  set learningRate(value: number) {
    this.optimizer.learningRate = value;
  }

  private ensureCapacity(lane: Lane, rows: number): void {
    if (rows <= lane.capacity) return;
    const capacity = Math.max(rows, lane.capacity * 2);
    // A bump allocator: the smaller buffers are left behind; capacity only doubles, so rarely.
    const slot = (count: number): Slot => ({ offset: this.arena.allocate(count), count });
    lane.layers.forEach((buffers, index) => {
      const { spec, width } = this.layers[index];
      buffers.outputSlot = slot(capacity * width);
      if (spec.kind === 'dropout') buffers.maskSlot = slot(capacity * width);
      if (spec.kind === 'batchNorm') buffers.normalizedSlot = slot(capacity * width);
    });
    lane.inputSlot = slot(capacity * this.features);
    lane.gradientSlotA = slot(capacity * this.maxWidth);
    lane.gradientSlotB = slot(capacity * this.maxWidth);
    lane.capacity = capacity;
    this.boundVersion = -1;
    this.bindViews();
  }

  private checkBatch(x: Float32Array, size: number, what: string): void {
    if (!Number.isInteger(size) || size < 1 || x.length < size * this.features)
      throw new ModelError(
        `${what}: ${size} rows of ${this.features} features need ${size * this.features} values; got ${x.length}`,
      );
  }

  /** Give `lane` its rows: `x` and `labels` start at the lane's first row. */
  private load(lane: Lane, rows: number, rowOffset: number, x: Float32Array, labels?: Int32Array) {
    // A lane with no rows (of a one-row batch) still takes part in every merge.
    this.ensureCapacity(lane, Math.max(rows, 1));
    lane.rows = rows;
    lane.rowOffset = rowOffset;
    lane.inputBuffer.set(x.subarray(0, rows * this.features));
    if (labels) lane.labels = labels;
  }

  /**
   * Merge the lanes' parts: each active lane writes its part with `write`; returns lane 0's and
   * lane 1's parts. With `remote`, the one active lane here meets the other thread's over the
   * link; otherwise both lanes are here. Both ways the parts are the same float64 values, so
   * whatever is computed from them is bit-identical.
   */
  private merge(
    active: Lane[],
    remote: boolean,
    write: (lane: Lane, part: Float64Array) => void,
  ): [Float64Array, Float64Array] {
    if (remote) {
      write(active[0], this.link!.outbox());
      return this.link!.exchange();
    }
    for (const lane of active) write(lane, lane.scratch);
    return [active[0].scratch, active[1].scratch];
  }

  /** Run the layers on the active lanes' input buffers; each lane's cursor ends on its logits. */
  private forward(active: Lane[], training: boolean, batchRows: number, remote: boolean): void {
    for (const lane of active) {
      lane.cursor = lane.inputBuffer;
      lane.cursorOffset = lane.inputSlot.offset;
    }
    this.layers.forEach((layer, index) => {
      const spec = layer.spec;
      if (spec.kind === 'activation' && spec.activation === 'linear' && !training) return;
      // Identity in inference, as in PyTorch and tfjs.
      if (spec.kind === 'dropout' && !training) return;
      if (spec.kind === 'batchNorm' && training)
        this.batchNormTraining(active, layer, index, batchRows, remote);
      else if (spec.kind === 'dropout' && active.length === 2) {
        // Both lanes here: their masks are consecutive parts of one stream, drawn in one pass.
        const targets = active.map((lane) => ({
          mask: lane.layers[index].mask!,
          count: lane.rows * spec.width,
        }));
        dropoutMasks(spec.rate, mixSeed(spec.seed, stepSeed()), 0, targets);
        for (const lane of active) this.layerForward(lane, layer, index, true);
      } else for (const lane of active) this.layerForward(lane, layer, index);
      for (const lane of active) {
        lane.cursor = lane.layers[index].output;
        lane.cursorOffset = lane.layers[index].outputSlot.offset;
      }
    });
  }

  /** One layer's forward pass on one lane (all but batch norm in training). */
  private layerForward(lane: Lane, layer: BoundLayer, index: number, maskDrawn = false): void {
    const spec = layer.spec;
    const buffers = lane.layers[index];
    const rows = lane.rows;
    buffers.input = lane.cursor;
    buffers.inputOffset = lane.cursorOffset;
    const from = lane.cursorOffset;
    const to = buffers.outputSlot.offset;
    switch (spec.kind) {
      case 'dense':
        this.kernels.denseForward(
          from,
          rows,
          spec.inputs,
          this.weightSlots[layer.weightIndices[0]].offset,
          spec.useBias ? this.weightSlots[layer.weightIndices[1]].offset : 0,
          spec.units,
          to,
        );
        return;
      case 'batchNorm': {
        // Inference (training goes through batchNormTraining): fold the running statistics into
        // one scale and shift per channel.
        const [gammaValues, betaValues, meanValues, varianceValues] = layer.weights;
        const { mean: scale, inverseStd: shift } = layer;
        for (let channel = 0; channel < spec.width; channel++) {
          const factor = gammaValues[channel] / Math.sqrt(varianceValues[channel] + spec.epsilon);
          scale[channel] = factor;
          shift[channel] = betaValues[channel] - meanValues[channel] * factor;
        }
        this.kernels.scaleShift(
          from,
          rows,
          spec.width,
          layer.meanSlot!.offset,
          layer.inverseStdSlot!.offset,
          to,
        );
        return;
      }
      case 'activation':
        if (spec.activation === 'relu') this.kernels.reluForward(from, rows * spec.width, to);
        else activationForward(spec.activation, lane.cursor, rows * spec.width, buffers.output);
        return;
      case 'dropout':
        // The lane's part of the batch's mask: the draws of the rows before it are passed over.
        if (!maskDrawn)
          dropoutMask(
            rows * spec.width,
            spec.rate,
            mixSeed(spec.seed, stepSeed()),
            buffers.mask!,
            lane.rowOffset * spec.width,
          );
        this.kernels.multiply(from, buffers.maskSlot!.offset, rows * spec.width, to);
        return;
    }
  }

  /**
   * Batch norm in training (PyTorch's BatchNorm1d): the batch's mean and biased variance
   * normalise the rows, and move the running statistics once (unbiased, momentum 0.1). With two
   * lanes each lane's moments are merged first, with Chan et al.'s parallel formula.
   */
  private batchNormTraining(
    active: Lane[],
    layer: BoundLayer,
    index: number,
    batchRows: number,
    remote: boolean,
  ): void {
    const spec = layer.spec as Extract<PlannedLayer, { kind: 'batchNorm' }>;
    const width = spec.width;
    for (const lane of active) {
      const buffers = lane.layers[index];
      buffers.input = lane.cursor;
      buffers.inputOffset = lane.cursorOffset;
      // One lane: its moments are the batch's.
      const [mean, squares] = buffers.momentSlots ?? [layer.meanSlot!, layer.inverseStdSlot!];
      this.kernels.batchNormMoments(
        lane.cursorOffset,
        lane.rows,
        width,
        mean.offset,
        squares.offset,
      );
    }
    if (this.laneCount === 2) this.mergeMoments(active, layer, index, remote);
    const [gamma, beta, runningMean, runningVariance] = layer.weightIndices.map(
      (position) => this.weightSlots[position].offset,
    );
    this.kernels.batchNormFinish(
      batchRows,
      width,
      runningMean,
      runningVariance,
      spec.momentum,
      spec.epsilon,
      layer.meanSlot!.offset,
      layer.inverseStdSlot!.offset,
    );
    for (const lane of active) {
      const buffers = lane.layers[index];
      this.kernels.batchNormNormalize(
        lane.cursorOffset,
        lane.rows,
        width,
        gamma,
        beta,
        layer.meanSlot!.offset,
        layer.inverseStdSlot!.offset,
        buffers.normalizedSlot!.offset,
        buffers.outputSlot.offset,
      );
    }
  }

  /** The lanes' moments of a batch norm merged into the batch's mean and Σ(x − mean)². */
  private mergeMoments(active: Lane[], layer: BoundLayer, index: number, remote: boolean): void {
    const width = layer.width;
    const [first, second] = this.merge(active, remote, (lane, part) => {
      const [mean, squares] = lane.layers[index].moments;
      part[0] = lane.rows;
      part.set(mean, 1);
      part.set(squares, 1 + width);
    });
    const { mean, inverseStd: squares } = layer;
    const [firstRows, secondRows] = [first[0], second[0]];
    const total = firstRows + secondRows;
    for (let channel = 0; channel < width; channel++) {
      if (firstRows === 0 || secondRows === 0) {
        const only = secondRows === 0 ? first : second;
        mean[channel] = only[1 + channel];
        squares[channel] = only[1 + width + channel];
        continue;
      }
      const delta = second[1 + channel] - first[1 + channel];
      mean[channel] = first[1 + channel] + (delta * secondRows) / total;
      squares[channel] =
        first[1 + width + channel] +
        second[1 + width + channel] +
        (delta * delta * firstRows * secondRows) / total;
    }
  }

  /** The backward pass of the active lanes; their loss gradients are in their gradientA. */
  private backward(active: Lane[], batchRows: number, remote: boolean): void {
    // Every lane's gradient moves between its buffers A and B in step.
    let inA = true;
    for (let index = this.layers.length - 1; index >= this.firstTrained; index--) {
      const layer = this.layers[index];
      const spec = layer.spec;
      const last = index === this.firstTrained;
      const gradients = layer.gradientIndices;
      if (spec.kind === 'batchNorm') {
        for (const lane of active)
          this.kernels.batchNormGradientSums(
            (inA ? lane.gradientSlotA : lane.gradientSlotB).offset,
            lane.rows,
            spec.width,
            lane.layers[index].normalizedSlot!.offset,
            lane.gradientSlots[gradients[0]].offset,
            lane.gradientSlots[gradients[1]].offset,
          );
        // The first trained layer passes nothing on: its sums merge with the other gradients.
        if (last) break;
        if (this.laneCount === 2) this.mergeBatchNormSums(active, layer, remote);
      }
      for (const lane of active) {
        const buffers = lane.layers[index];
        const [dy, spare] = inA
          ? [lane.gradientSlotA, lane.gradientSlotB]
          : [lane.gradientSlotB, lane.gradientSlotA];
        const rows = lane.rows;
        switch (spec.kind) {
          case 'dense':
            this.kernels.denseWeightGradients(
              buffers.inputOffset,
              dy.offset,
              rows,
              spec.inputs,
              spec.units,
              lane.gradientSlots[gradients[0]].offset,
              spec.useBias ? lane.gradientSlots[gradients[1]].offset : 0,
            );
            if (!last)
              this.kernels.denseInputGradients(
                dy.offset,
                rows,
                spec.inputs,
                spec.units,
                this.weightSlots[layer.weightIndices[0]].offset,
                this.transposedOffset,
                spare.offset,
              );
            break;
          case 'batchNorm':
            // dGamma and dBeta hold the whole batch's sums (merged above with two lanes).
            this.kernels.batchNormInputGradients(
              dy.offset,
              rows,
              batchRows,
              spec.width,
              this.weightSlots[layer.weightIndices[0]].offset,
              layer.inverseStdSlot!.offset,
              buffers.normalizedSlot!.offset,
              lane.gradientSlots[gradients[0]].offset,
              lane.gradientSlots[gradients[1]].offset,
              spare.offset,
            );
            break;
          case 'activation':
            if (spec.activation === 'relu')
              this.kernels.reluBackward(
                buffers.outputSlot.offset,
                dy.offset,
                rows * spec.width,
                spare.offset,
              );
            else
              activationBackward(
                spec.activation,
                buffers.output,
                inA ? lane.gradientA : lane.gradientB,
                rows * spec.width,
                inA ? lane.gradientB : lane.gradientA,
              );
            break;
          case 'dropout':
            this.kernels.multiply(
              dy.offset,
              buffers.maskSlot!.offset,
              rows * spec.width,
              spare.offset,
            );
            break;
        }
      }
      if (!last) inA = !inA;
    }
  }

  /** The batch's dGamma and dBeta of a batch norm, summed over the lanes, in every lane. */
  private mergeBatchNormSums(active: Lane[], layer: BoundLayer, remote: boolean): void {
    const [gammaIndex, betaIndex] = layer.gradientIndices;
    const width = layer.width;
    if (!remote) {
      // Both lanes here: the sums the link would give (float32 values added as doubles).
      const [first, second] = active;
      for (const gradient of [gammaIndex, betaIndex]) {
        const [into, other] = [first.gradients[gradient], second.gradients[gradient]];
        for (let channel = 0; channel < width; channel++) into[channel] += other[channel];
        other.set(into.subarray(0, width));
      }
      return;
    }
    const [first, second] = this.merge(active, remote, (lane, part) => {
      part.set(lane.gradients[gammaIndex]);
      part.set(lane.gradients[betaIndex], width);
    });
    for (const lane of active) {
      const [dGamma, dBeta] = [lane.gradients[gammaIndex], lane.gradients[betaIndex]];
      for (let channel = 0; channel < width; channel++) {
        dGamma[channel] = first[channel] + second[channel];
        dBeta[channel] = first[width + channel] + second[width + channel];
      }
    }
  }

  /** The batch's loss sum, correct count and gradients (those not merged yet), into lane `active[0]`. */
  private mergeGradients(active: Lane[], remote: boolean): void {
    if (!remote) {
      // Both lanes here: the sums the link would give, into lane 0.
      const [target, other] = active;
      target.result[0] += other.result[0];
      target.result[1] += other.result[1];
      target.gradients.forEach((gradient, index) => {
        if (this.mergedEarly[index]) return;
        const part = other.gradients[index];
        for (let value = 0; value < gradient.length; value++) gradient[value] += part[value];
      });
      return;
    }
    const [first, second] = this.merge(active, remote, (lane, part) => {
      part[0] = lane.result[0];
      part[1] = lane.result[1];
      let at = 2;
      lane.gradients.forEach((gradient, index) => {
        if (this.mergedEarly[index]) return;
        part.set(gradient, at);
        at += gradient.length;
      });
    });
    const target = active[0];
    target.result[0] = first[0] + second[0];
    target.result[1] = first[1] + second[1];
    let at = 2;
    target.gradients.forEach((gradient, index) => {
      if (this.mergedEarly[index]) return;
      for (let value = 0; value < gradient.length; value++)
        gradient[value] = first[at + value] + second[at + value];
      at += gradient.length;
    });
  }

  /**
   * A training step over the active lanes, whose rows are loaded, of a batch of
   * `batchRows` rows. With `remote`, the other lane is on the other thread. Returns the batch's
   * loss sum and correct count (in a reused array).
   */
  private trainLanes(active: Lane[], batchRows: number, remote: boolean): Float64Array {
    this.forward(active, true, batchRows, remote);
    for (const lane of active)
      softmaxCrossEntropy(
        lane.cursor,
        lane.labels,
        lane.rows,
        this.classes,
        lane.gradientA,
        lane.result,
        batchRows,
      );
    if (this.firstTrained >= 0) this.backward(active, batchRows, remote);
    if (this.laneCount === 2) this.mergeGradients(active, remote);
    if (this.firstTrained >= 0) this.optimizer.apply(active[0].gradients);
    return active[0].result;
  }

  /**
   * @internal The worker thread's part of a step: lane 1's rows (`rowOffset` on) of a batch of
   * `batchRows`, met with lane 0 over the link.
   */
  trainWorkerLane(
    x: Float32Array,
    y: Int32Array,
    rows: number,
    batchRows: number,
    rowOffset: number,
  ): void {
    const lane = this.lanes[0];
    this.load(lane, rows, rowOffset, x, y);
    this.trainLanes([lane], batchRows, true);
  }

  /**
   * One optimizer step on `size` rows: `x` holds `size * features` values, `y` `size` labels.
   * Dropout masks depend on core's `stepSeed()`, which the trainer sets before each step.
   */
  step(x: Float32Array, y: Int32Array, size: number): StepResult {
    this.checkBatch(x, size, 'training step');
    let result: Float64Array;
    if (this.laneCount === 1) {
      const lane = this.lanes[0];
      this.load(lane, size, 0, x, y);
      result = this.trainLanes([lane], size, false);
    } else result = this.stepTwoLanes(x, y, size);
    // The weights moved: a worker that only evaluates holds the old ones.
    if (this.laneCount === 1) this.partnerStale = true;
    const [lossSum, correct] = result;
    this.totals.loss += lossSum;
    this.totals.correct += correct;
    this.totals.samples += size;
    const loss = lossSum / size;
    const accuracy = correct / size;
    return { loss: () => loss, accuracy: () => accuracy };
  }

  private stepTwoLanes(x: Float32Array, y: Int32Array, size: number): Float64Array {
    this.partner?.checkRunning();
    const [first, second] = this.lanes;
    const split = Math.ceil(size / 2);
    const onWorker = this.schedule!.next();
    const began = performance.now();
    this.load(first, split, 0, x, y);
    let result: Float64Array;
    if (onWorker) {
      this.syncPartner();
      this.partner!.startStep(x, y, split, size, this.learningRate, stepSeed());
      result = this.trainLanes([first], size, true);
    } else {
      this.load(second, size - split, split, x.subarray(split * this.features), y.subarray(split));
      result = this.trainLanes([first, second], size, false);
      this.partnerStale = true;
    }
    this.schedule!.record(onWorker, (performance.now() - began) / size);
    return result;
  }

  /** Hand the worker the weights and optimizer state when its copy is out of date. */
  private syncPartner(): void {
    if (!this.partnerStale) return;
    this.partner!.post({ weights: this.getWeights(), optimizer: this.getOptimizerState() });
    this.partnerStale = false;
  }

  /** Logits of `size` rows (inference mode) written into `logits` (`size * classes` values). */
  evaluate(x: Float32Array, size: number, logits: Float32Array): void {
    this.checkBatch(x, size, 'evaluate');
    if (this.disposed) throw new BackendError('the fused engine was disposed; make a new one');
    this.evaluations.batches += 1;
    if (this.evaluationThreads === 2 && size >= SHARED_INFERENCE_ROWS)
      this.evaluateShared(x, size, logits);
    else this.evaluateRows(this.lanes[0], x, size, logits);
  }

  /**
   * An inference batch on two threads. Inference has no batch statistics: rows are independent
   * and each is computed alike on either thread, so how the rows are shared changes nothing.
   * This thread computes the first half; the second is cut into chunks that the worker claims
   * as it gets to them and this thread claims too once its half is done. So a worker that gets
   * no core for a while (a busy machine) costs nothing but its help: this thread only ever waits
   * for chunks the worker is computing, never for the worker to start. `placement: 'worker'`
   * leaves the whole second half to the worker (for tests and benchmarks).
   */
  private evaluateShared(x: Float32Array, size: number, logits: Float32Array): void {
    const partner = this.partner ?? this.startPartner();
    const split = Math.ceil(size / 2);
    const rest = size - split;
    const chunkRows = 2 * Math.ceil(rest / (2 * INFERENCE_CHUNKS));
    const chunks = Math.ceil(rest / chunkRows);
    const onWorker = this.placement === 'worker';
    this.syncPartner();
    const generation = partner.offerEvaluate(x, split, size, chunkRows, chunks, onWorker);
    const lane = this.lanes[0];
    if (generation < 0) {
      this.evaluateRows(lane, x, size, logits);
      return;
    }
    this.evaluateRows(lane, x, split, logits);
    const mine = new Set<number>();
    for (let chunk = onWorker ? -1 : this.link!.claim(generation, chunks); chunk >= 0;) {
      const first = split + chunk * chunkRows;
      const rows = Math.min(chunkRows, size - first);
      this.evaluateRows(
        lane,
        x.subarray(first * this.features),
        rows,
        logits.subarray(first * this.classes),
      );
      mine.add(chunk);
      chunk = this.link!.claim(generation, chunks);
    }
    this.link!.awaitChunks(chunks - mine.size);
    for (let chunk = 0; chunk < chunks; chunk++)
      if (!mine.has(chunk)) partner.collectChunk(logits, split, size, chunk, chunkRows);
    if (mine.size < chunks) this.evaluations.split += 1;
  }

  /** Logits of `rows` rows into `logits`, on this thread. */
  private evaluateRows(lane: Lane, x: Float32Array, rows: number, logits: Float32Array): void {
    this.load(lane, rows, 0, x);
    this.forward([lane], false, rows, false);
    logits.set(lane.cursor.subarray(0, rows * this.classes));
  }

  /**
   * @internal The worker thread's share of an inference batch: the chunks of `rows` rows it
   * claims (see `evaluateShared`), from the shared rows into the shared logits.
   */
  evaluateWorkerChunks(
    x: Float32Array,
    logits: Float32Array,
    rows: number,
    chunkRows: number,
    chunks: number,
    generation: number,
  ): void {
    const link = this.link!;
    for (let chunk = link.claim(generation, chunks); chunk >= 0;) {
      const first = chunk * chunkRows;
      this.evaluateRows(
        this.lanes[0],
        x.subarray(first * this.features),
        Math.min(chunkRows, rows - first),
        logits.subarray(first * this.classes),
      );
      link.finishChunk();
      chunk = link.claim(generation, chunks);
    }
  }

  /**
   * Of the inference batches so far, those the worker thread computed a part of (`split`), and
   * all: whether {@link FusedEngine.evaluate} used the second thread.
   */
  get evaluationBatches(): { split: number; batches: number } {
    return { ...this.evaluations };
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
    this.partnerStale = true;
  }

  /** The optimizer's slots and iteration count, named as the trainer's tfjs optimizer names them. */
  getOptimizerState(): OptimizerState {
    return this.optimizer.getState();
  }

  /** Restore optimizer state; a {@link CheckpointError} naming `source` when it does not fit. */
  setOptimizerState(state: OptimizerState, source: string): void {
    this.optimizer.setState(state, source);
    this.partnerStale = true;
  }

  /**
   * Stop the worker thread of a two-thread engine (the engine cannot step after this). A
   * one-thread engine has nothing to free by hand: its WebAssembly memory is collected with it.
   */
  dispose(): void {
    this.disposed = true;
    this.partner?.stop();
  }
}
