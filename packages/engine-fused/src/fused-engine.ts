import { BackendError, ConfigError, stepSeed } from '@machop/core';
import { SHARED_INFERENCE_ROWS, type FusedEngineOptions } from './engine-options.js';
import type { Lane } from './layers/layer.js';
import { Network } from './network.js';
import { Partner } from './partner.js';
import { planModel, type ModelPlan } from './plan.js';
import { LanesHere, LanesLinked, oneLane, type Reducer } from './reducer.js';
import { TwoThreadSchedule } from './schedule.js';
import type { ShardLink } from './shard-link.js';
import { checkWeights } from './weights.js';
import type { NamedArray, OptimizerState, StepResult, TrainTotals } from './types.js';

export { initialWeights } from './weights.js';
export { SHARED_INFERENCE_ROWS, type FusedEngineOptions } from './engine-options.js';

/** Chunks the second half of a shared inference batch is cut into, for either thread to claim. */
const INFERENCE_CHUNKS = 8;

/**
 * The fused engine: a sequential model's forward pass, backward pass and optimizer update as a
 * few loops over preallocated Float32Arrays, with no per-op dispatch. It implements core's
 * `Engine` (`step`, `evaluate`, totals, named weights, optimizer state) with the semantics of
 * the tfjs engine and PyTorch: softmax cross-entropy, batch norm with batch statistics in
 * training and running statistics (momentum 0.1, unbiased variance, eps 1e-5) in inference, and
 * dropout with the same seeded masks as the models package's `SeededDropout` (layer seed mixed
 * with core's `stepSeed()`). The layers' arithmetic is in their kinds (src/layers/); one or two
 * threads differ only in the {@link Reducer} a step's lanes meet through.
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
  private readonly network: Network;
  /** The lanes this thread computes (lane 1 only, on a worker thread). */
  private readonly lanes: Lane[];
  /** How this thread's training lanes meet: one lane, both here, or over the link. */
  private readonly reducer: Reducer;
  /** A two-thread engine's main thread, when it keeps both halves of a step here. */
  private readonly hereReducer: Reducer | undefined;
  private totals: TrainTotals = { loss: 0, correct: 0, samples: 0 };
  /** 2 when each batch is computed as two lanes. */
  private readonly laneCount: number;
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
    this.network = new Network(this.plan, options.seed, options.optimizer, this.laneCount);
    // This thread's lanes: lane 1 alone on a worker thread, both on the main thread of two.
    this.lanes = Array.from({ length: !link && threads === 2 ? 2 : 1 }, () =>
      this.network.makeLane(),
    );
    const capacity = this.network.mergeCapacity;
    this.placement = options.placement ?? 'auto';
    const { threads: _, placement: __, evaluationThreads: ___, ...oneThread } = options;
    this.partnerSpec = link ? undefined : { options: oneThread, capacity };
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
    this.reducer = this.laneCount === 1 ? oneLane : new LanesLinked(this.link!);
    this.hereReducer = this.lanes.length === 2 ? new LanesHere(capacity) : undefined;
  }

  /** Start the worker thread (with the weights of this one at its first command). */
  private startPartner(): Partner {
    const { options, capacity } = this.partnerSpec!;
    this.partner = new Partner(options, capacity, this.features, this.classes);
    this.link = this.partner.link;
    this.partnerStale = true;
    return this.partner;
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
    return this.network.optimizer.learningRate;
  }

  set learningRate(value: number) {
    this.network.optimizer.learningRate = value;
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
    this.network.load(lane, rows, rowOffset, x, y);
    this.network.train([lane], batchRows, this.reducer);
  }

  /**
   * One optimizer step on `size` rows: `x` holds `size * features` values, `y` `size` labels.
   * Dropout masks depend on core's `stepSeed()`, which the trainer sets before each step.
   */
  step(x: Float32Array, y: Int32Array, size: number): StepResult {
    this.network.checkBatch(x, size, 'training step');
    let result: Float64Array;
    if (this.laneCount === 1) {
      const lane = this.lanes[0];
      this.network.load(lane, size, 0, x, y);
      result = this.network.train([lane], size, this.reducer);
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
    this.network.load(first, split, 0, x, y);
    let result: Float64Array;
    if (onWorker) {
      this.syncPartner();
      this.partner!.startStep(x, y, split, size, this.learningRate, stepSeed());
      result = this.network.train([first], size, this.reducer);
    } else {
      const rest = [x.subarray(split * this.features), y.subarray(split)] as const;
      this.network.load(second, size - split, split, ...rest);
      result = this.network.train([first, second], size, this.hereReducer!);
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
    this.network.checkBatch(x, size, 'evaluate');
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
    this.network.infer(lane, x, rows, logits, oneLane);
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
    return this.network.named.map(({ name, shape, values }) => ({
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
    const byName = checkWeights(this.network.named, weights, source);
    for (const target of this.network.named) target.values.set(byName.get(target.name)!.values);
    this.partnerStale = true;
  }

  /** The optimizer's slots and iteration count, named as the trainer's tfjs optimizer names them. */
  getOptimizerState(): OptimizerState {
    return this.network.optimizer.getState();
  }

  /** Restore optimizer state; a {@link CheckpointError} naming `source` when it does not fit. */
  setOptimizerState(state: OptimizerState, source: string): void {
    this.network.optimizer.setState(state, source);
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
