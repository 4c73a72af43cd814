import { ModelError } from '@machop/core';
import { softmaxCrossEntropy } from './kernels.js';
import { kindOf } from './layers/index.js';
import type { BoundLayer, Lane, PassContext, Slot } from './layers/layer.js';
import { FusedOptimizer } from './optimizer.js';
import { initialWeights } from './weights.js';
import type { ModelPlan } from './plan.js';
import type { Reducer } from './reducer.js';
import type { NamedArray, OptimizerSettings } from './types.js';
import { Arena, instantiateKernels, type DenseKernels } from './wasm.js';

/**
 * A planned model's weights, layers and optimizer in one WebAssembly arena, and the passes that
 * compose the layer kinds over lanes of rows: forward, softmax cross-entropy, backward, update.
 * It knows nothing of threads: where lanes meet, it calls the step's {@link Reducer}.
 */
export class Network {
  readonly arena = new Arena();
  readonly kernels: DenseKernels;
  /** Every weight, trainable or not, in tfjs' order; views into the arena. */
  readonly named: NamedArray[];
  readonly layers: BoundLayer[];
  readonly optimizer: FusedOptimizer;
  /** Float64 values the largest merge of two lanes exchanges. */
  readonly mergeCapacity: number;
  private readonly weightSlots: Slot[];
  /** Positions in {@link named} of the trainable weights, in order. */
  private readonly trainableIndices: number[];
  /** First layer that has trainable weights: no gradient flows below it. */
  private readonly firstTrained: number;
  private readonly maxWidth: number;
  private readonly transposedOffset: number;
  /** Trainable weights whose gradients are summed over the lanes at the end of a step. */
  private readonly summedLast: number[];
  private boundVersion = -1;
  private readonly lanes: Lane[] = [];

  /** @param laneCount lanes a training batch is split into (1, or 2 on either thread of two). */
  constructor(
    readonly plan: ModelPlan,
    seed: number,
    optimizer: OptimizerSettings,
    private readonly laneCount: number,
  ) {
    this.kernels = instantiateKernels(this.arena.memory);
    const initial = initialWeights(plan, seed);
    this.weightSlots = initial.map((weight) => this.slot(weight.values.length));
    this.named = initial.map(({ name, shape }) => ({ name, shape, values: new Float32Array(0) }));
    this.trainableIndices = plan.weights.flatMap((spec, index) => (spec.trainable ? [index] : []));
    this.maxWidth = Math.max(
      plan.features,
      ...plan.layers.map((layer) => (layer.kind === 'dense' ? layer.units : layer.width)),
    );
    this.layers = plan.layers.map((spec, layerIndex) => {
      const positions = plan.weights.flatMap((weight, position) =>
        weight.layer === layerIndex ? [position] : [],
      );
      // Within a layer tfjs' order is trainable first, as in the plan.
      const weightIndices = [
        ...positions.filter((position) => plan.weights[position].trainable),
        ...positions.filter((position) => !plan.weights[position].trainable),
      ];
      return {
        spec,
        width: spec.kind === 'dense' ? spec.units : spec.width,
        weightOffsets: weightIndices.map((position) => this.weightSlots[position].offset),
        weightIndices,
        gradientIndices: weightIndices
          .filter((position) => plan.weights[position].trainable)
          .map((position) => this.trainableIndices.indexOf(position)),
        weights: [],
        scratchSlots: kindOf(spec)
          .scratch(spec)
          .map((count) => this.slot(count)),
        scratch: [],
      };
    });
    this.transposedOffset = this.arena.allocate(
      Math.max(
        0,
        ...plan.layers.map((layer) => (layer.kind === 'dense' ? layer.inputs * layer.units : 0)),
      ),
    );
    this.firstTrained = this.layers.findIndex((layer) => layer.gradientIndices.length > 0);
    const summedEarly = new Set(
      this.layers.flatMap((layer, index) =>
        kindOf(layer.spec).sumsGradientsInBackward && index > this.firstTrained
          ? layer.gradientIndices
          : [],
      ),
    );
    this.summedLast = this.trainableIndices.flatMap((_, index) =>
      summedEarly.has(index) ? [] : [index],
    );
    const gradientValues = this.trainableIndices.reduce(
      (sum, index) => sum + initial[index].values.length,
      0,
    );
    this.mergeCapacity = Math.max(2 + gradientValues, 1 + 2 * this.maxWidth);
    this.bindViews();
    initial.forEach((weight, index) => this.named[index].values.set(weight.values));
    this.optimizer = new FusedOptimizer(
      this.trainableIndices.map((index) => this.named[index]),
      optimizer,
    );
  }

  private slot(count: number): Slot {
    return { offset: this.arena.allocate(count), count };
  }

  /** A new lane with its own gradients, registered so its views follow memory growth. */
  makeLane(): Lane {
    const empty: Slot = { offset: 0, count: 0 };
    const none = new Float32Array(0);
    const lane: Lane = {
      rows: 0,
      rowOffset: 0,
      labels: new Int32Array(0),
      capacity: 0,
      inputSlot: empty,
      inputBuffer: none,
      gradientSlotA: empty,
      gradientSlotB: empty,
      gradientA: none,
      gradientB: none,
      dySlot: empty,
      dxSlot: empty,
      dy: none,
      dx: none,
      gradientSlots: this.trainableIndices.map((position) =>
        this.slot(this.weightSlots[position].count),
      ),
      gradients: [],
      layers: this.layers.map((layer) => ({
        outputSlot: empty,
        output: none,
        input: none,
        inputOffset: 0,
        rowSlots: [],
        rows: [],
        channelSlots: Array.from(
          { length: kindOf(layer.spec).laneChannels(layer.spec, this.laneCount) },
          () => this.slot(layer.width),
        ),
        channels: [],
      })),
      cursor: none,
      cursorOffset: 0,
      result: new Float64Array(2),
    };
    this.lanes.push(lane);
    this.boundVersion = -1;
    this.bindViews();
    return lane;
  }

  /** (Re-)create every view into the arena; needed after the memory grew. */
  private bindViews(): void {
    if (this.boundVersion === this.arena.version) return;
    this.boundVersion = this.arena.version;
    const view = (slot: Slot) => this.arena.view(slot.offset, slot.count);
    this.weightSlots.forEach((slot, index) => (this.named[index].values = view(slot)));
    for (const layer of this.layers) {
      layer.weights = layer.weightIndices.map((index) => this.named[index].values);
      layer.scratch = layer.scratchSlots.map(view);
    }
    for (const lane of this.lanes) {
      lane.gradients = lane.gradientSlots.map(view);
      lane.inputBuffer = view(lane.inputSlot);
      lane.gradientA = view(lane.gradientSlotA);
      lane.gradientB = view(lane.gradientSlotB);
      for (const layer of lane.layers) {
        layer.output = view(layer.outputSlot);
        layer.rows = layer.rowSlots.map(view);
        layer.channels = layer.channelSlots.map(view);
      }
    }
    // The optimizer updates the weights in place: hand it the new views.
    this.optimizer?.bind(this.trainableIndices.map((index) => this.named[index].values));
  }

  private ensureCapacity(lane: Lane, rows: number): void {
    if (rows <= lane.capacity) return;
    const capacity = Math.max(rows, lane.capacity * 2);
    // A bump allocator: the smaller buffers are left behind; capacity only doubles, so rarely.
    lane.layers.forEach((buffers, index) => {
      const { spec, width } = this.layers[index];
      buffers.outputSlot = this.slot(capacity * width);
      buffers.rowSlots = kindOf(spec)
        .rowBuffers(spec)
        .map((values) => this.slot(capacity * values));
    });
    lane.inputSlot = this.slot(capacity * this.plan.features);
    lane.gradientSlotA = this.slot(capacity * this.maxWidth);
    lane.gradientSlotB = this.slot(capacity * this.maxWidth);
    lane.capacity = capacity;
    this.boundVersion = -1;
    this.bindViews();
  }

  /** Give `lane` its rows: `x` and `labels` start at the lane's first row. */
  load(lane: Lane, rows: number, rowOffset: number, x: Float32Array, labels?: Int32Array): void {
    // A lane with no rows (of a one-row batch) still takes part in every merge.
    this.ensureCapacity(lane, Math.max(rows, 1));
    lane.rows = rows;
    lane.rowOffset = rowOffset;
    lane.inputBuffer.set(x.subarray(0, rows * this.plan.features));
    if (labels) lane.labels = labels;
  }

  private context(reducer: Reducer, batchRows: number, training: boolean): PassContext {
    return {
      kernels: this.kernels,
      reducer,
      batchRows,
      training,
      transposedOffset: this.transposedOffset,
    };
  }

  /** Run the layers on the active lanes' inputs; each lane's cursor ends on its logits. */
  forward(active: Lane[], training: boolean, batchRows: number, reducer: Reducer): void {
    const context = this.context(reducer, batchRows, training);
    for (const lane of active) {
      lane.cursor = lane.inputBuffer;
      lane.cursorOffset = lane.inputSlot.offset;
    }
    this.layers.forEach((layer, index) => {
      const kind = kindOf(layer.spec);
      if (!training && kind.identityInInference(layer.spec)) return;
      for (const lane of active) {
        const buffers = lane.layers[index];
        buffers.input = lane.cursor;
        buffers.inputOffset = lane.cursorOffset;
      }
      kind.forward(layer, active, index, context);
      for (const lane of active) {
        lane.cursor = lane.layers[index].output;
        lane.cursorOffset = lane.layers[index].outputSlot.offset;
      }
    });
  }

  /** The backward pass of the active lanes; their loss gradients are in their gradientA. */
  private backward(active: Lane[], batchRows: number, reducer: Reducer): void {
    const context = this.context(reducer, batchRows, true);
    // Every lane's gradient moves between its buffers A and B in step.
    let inA = true;
    for (let index = this.layers.length - 1; index >= this.firstTrained; index--) {
      const layer = this.layers[index];
      for (const lane of active) {
        [lane.dySlot, lane.dxSlot] = inA
          ? [lane.gradientSlotA, lane.gradientSlotB]
          : [lane.gradientSlotB, lane.gradientSlotA];
        [lane.dy, lane.dx] = inA
          ? [lane.gradientA, lane.gradientB]
          : [lane.gradientB, lane.gradientA];
      }
      const first = index === this.firstTrained;
      kindOf(layer.spec).backward(layer, active, index, context, first);
      if (!first) inA = !inA;
    }
  }

  /**
   * A training step over the active lanes, whose rows are loaded, of a batch of `batchRows`
   * rows: forward, loss, backward, the lanes' sums through `reducer`, then the update. Returns
   * the batch's loss sum and correct count (in a reused array).
   */
  train(active: Lane[], batchRows: number, reducer: Reducer): Float64Array {
    this.forward(active, true, batchRows, reducer);
    for (const lane of active)
      softmaxCrossEntropy(
        lane.cursor,
        lane.labels,
        lane.rows,
        this.plan.classes,
        lane.gradientA,
        lane.result,
        batchRows,
      );
    if (this.firstTrained >= 0) this.backward(active, batchRows, reducer);
    // The batch's loss, correct count and the gradients not summed in the backward pass already.
    reducer.sum(
      active,
      (lane) => [lane.result, ...this.summedLast.map((index) => lane.gradients[index])],
      false,
    );
    if (this.firstTrained >= 0) this.optimizer.apply(active[0].gradients);
    return active[0].result;
  }

  /** Logits of `rows` rows into `logits`, on `lane`. */
  infer(lane: Lane, x: Float32Array, rows: number, logits: Float32Array, reducer: Reducer): void {
    this.load(lane, rows, 0, x);
    this.forward([lane], false, rows, reducer);
    logits.set(lane.cursor.subarray(0, rows * this.plan.classes));
  }

  /** A {@link ModelError} unless `x` holds `size` rows. */
  checkBatch(x: Float32Array, size: number, what: string): void {
    const features = this.plan.features;
    if (!Number.isInteger(size) || size < 1 || x.length < size * features)
      throw new ModelError(
        `${what}: ${size} rows of ${features} features need ${size * features} values; got ${x.length}`,
      );
  }
}
