import type { LayerSpec } from '@machop/core';
import type { PlannedLayer } from '../plan.js';
import type { Reducer } from '../reducer.js';
import type { DenseKernels } from '../wasm.js';

/** Where an array lives in the engine's arena: its byte offset and float32 count. */
export interface Slot {
  offset: number;
  count: number;
}

/** A weight a layer kind declares: its part name (after `layer_name/`), shape and role. */
export interface DeclaredWeight {
  part: string;
  shape: number[];
  trainable: boolean;
}

/** What planning a layer knows: its position, input width, the model's seed and a namer. */
export interface PlanContext {
  index: number;
  /** Width of the layer's input. */
  width: number;
  /** The model's seed (dropout layers derive theirs from it). */
  seed: number;
  /** The next tfjs-style name for a prefix: `dense` gives `dense_1`, then `dense_2`. */
  nameFor: (prefix: string) => string;
}

/** A layer with its weights bound. Views are re-created when memory grows; offsets stay. */
export interface BoundLayer<Planned extends PlannedLayer = PlannedLayer> {
  spec: Planned;
  /** Output width. */
  width: number;
  /** Byte offsets of the layer's weights, trainable first (tfjs' order within a layer). */
  weightOffsets: number[];
  /** Positions in the engine's weight list of the layer's weights, in the same order. */
  weightIndices: number[];
  /** Positions in the engine's trainable list of the layer's trainable weights, in order. */
  gradientIndices: number[];
  /** Views of the layer's weights, in the order of `weightOffsets`. */
  weights: Float32Array[];
  /** Per layer scratch the kind asked for (batch norm: mean and 1/σ), with their views. */
  scratchSlots: Slot[];
  scratch: Float32Array[];
}

/** A lane's buffers for one layer. */
export interface LaneLayer {
  outputSlot: Slot;
  output: Float32Array;
  /** The array (and its offset) the last forward pass read from. */
  input: Float32Array;
  inputOffset: number;
  /** Per-row buffers the kind asked for (a dropout mask, x̂, a quantized input). */
  rowSlots: Slot[];
  rows: Float32Array[];
  /** Per-lane channel buffers of a two-lane engine (batch norm's moments), with their views. */
  channelSlots: Slot[];
  channels: Float32Array[];
}

/**
 * A share of each batch's rows, with its own activations and gradients; the weights are the
 * engine's. A one-thread engine has one lane; a two-thread engine has lanes 0 and 1 (the first
 * and second half of each batch), and runs lane 1 here or on its worker thread.
 */
export interface Lane {
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
  /** Backward pass: the gradient a layer receives and the buffer it writes its input's into. */
  dySlot: Slot;
  dxSlot: Slot;
  dy: Float32Array;
  dx: Float32Array;
  /** Per trainable weight, this lane's gradient. */
  gradientSlots: Slot[];
  gradients: Float32Array[];
  layers: LaneLayer[];
  /** Forward pass: the array the next layer reads. */
  cursor: Float32Array;
  cursorOffset: number;
  /** Loss sum and correct count of the last pass (the batch's, once merged). */
  result: Float64Array;
}

/** What a layer's forward or backward pass works with besides its own buffers. */
export interface PassContext {
  kernels: DenseKernels;
  /** Sums the lanes' parts of the batch (see {@link Reducer}). */
  reducer: Reducer;
  /** Rows of the whole batch, over every lane and thread. */
  batchRows: number;
  training: boolean;
  /** Scratch for a transposed dense kernel (the largest one). */
  transposedOffset: number;
}

/**
 * One layer kind of the fused engine, in one place: which specs it runs, its shape rule and
 * parameters (with their tfjs names and initial values), and its forward and backward passes
 * side by side. The engine composes kinds; adding one touches its module and the kinds table.
 */
export interface LayerKind<Planned extends PlannedLayer = PlannedLayer> {
  /** The core `LayerSpec` type it runs. */
  readonly type: LayerSpec['type'];
  /** Why `spec` (layer `index`) cannot run, or undefined. */
  unsupportedReason(spec: LayerSpec, index: number): string | undefined;
  /** Resolve `spec`: the planned layer, its weights in tfjs' order, and its output width. */
  plan(
    spec: LayerSpec,
    context: PlanContext,
  ): { layer: Planned; weights: DeclaredWeight[]; width: number };
  /** Fill the initial value of weight `part` of layer `index` (as the models package does). */
  initialize(layer: Planned, part: string, values: Float32Array, seed: number, index: number): void;
  /** Float32 counts of per-layer scratch arrays. */
  scratch(layer: Planned): number[];
  /**
   * True when its backward pass sums its gradients over the lanes itself (when not the first
   * trained layer), so the step's final sum leaves them out.
   */
  readonly sumsGradientsInBackward: boolean;
  /**
   * Per-lane buffers it keeps for its backward pass, as values per row (a buffer holds
   * `capacity` rows): a dropout mask, x̂, a quantized input.
   */
  rowBuffers(layer: Planned): number[];
  /** Per-lane channel buffers (of `width` values) it needs when a batch has `lanes` lanes. */
  laneChannels(layer: Planned, lanes: number): number;
  /** True when inference passes its input through unchanged (the engine skips the layer). */
  identityInInference(layer: Planned): boolean;
  /**
   * Forward pass of the active lanes: each lane's input is in its `layers[index].input` (and
   * `inputOffset`); write `layers[index].output`.
   */
  forward(layer: BoundLayer<Planned>, active: Lane[], index: number, context: PassContext): void;
  /**
   * Backward pass of the active lanes: each lane's `dy` holds the gradient of this layer's output.
   * Add nothing; write the weights' gradients into the lane's `gradients`, and (unless `first`,
   * the first layer with trainable weights, below which nothing flows) the input's gradient
   * into `dx`.
   */
  backward(
    layer: BoundLayer<Planned>,
    active: Lane[],
    index: number,
    context: PassContext,
    first: boolean,
  ): void;
}
