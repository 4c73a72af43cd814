import { performance } from 'node:perf_hooks';
import { mixSeed, setStepSeed, type TabularDataset } from '@machop/core';
import { BatchSampler } from './batches.js';
import type {
  BatchContext,
  Callback,
  EpochEndContext,
  TrainEndContext,
  TrainStatus,
} from './callbacks.js';
import type { TrainPosition } from './checkpoint-io.js';
import type { Engine, StepResult, TrainTotals } from './engine.js';
import { evaluateSplit, evaluationBatchSize } from './evaluate.js';
import type { MetricsLog } from './metrics-log.js';
import type { ResolvedTrainOptions } from './options.js';
import { learningRateAt } from './schedule.js';
import { testPause } from './test-pause.js';

/** Seed domain of the per-epoch shuffle, so it never equals a step's dropout seed. */
const SHUFFLE_DOMAIN = 0x5348;

/** How often the loop lets other work (a Ctrl-C handler, file writes) run, in milliseconds. */
const YIELD_EVERY_MS = 50;

/** What a checkpoint saved at the current position must hold besides weights and optimizer. */
export interface LoopSnapshot {
  position: TrainPosition;
  metricsRecords: number;
  elapsedSeconds: number;
  totals: TrainTotals;
  callbacks: Record<string, unknown>;
}

/** What {@link TrainingLoop} is given. */
export interface LoopSetup {
  engine: Engine;
  data: TabularDataset;
  options: ResolvedTrainOptions;
  runDir: string;
  callbacks: readonly Callback[];
  signal: AbortSignal | undefined;
  log: MetricsLog;
  /** Where to start; a resumed run also brings its elapsed time and unfinished-epoch sums. */
  start: { position: TrainPosition; elapsedSeconds: number; totals: TrainTotals | undefined };
  saveCheckpoint(name: 'best' | 'last', snapshot: LoopSnapshot): Promise<void>;
}

/** How the loop ended. */
export interface LoopOutcome {
  status: TrainStatus;
  reason: string | undefined;
  position: TrainPosition;
  /** Training samples and seconds of this session (validation excluded). */
  samples: number;
  trainSeconds: number;
}

/** The one object every callback hook receives, updated as the loop goes. */
class LoopContext implements BatchContext, EpochEndContext, TrainEndContext {
  epoch = 0;
  globalStep = 0;
  learningRate = 0;
  batch = 0;
  batchSize = 0;
  samplesPerSecond = 0;
  seconds = 0;
  metrics: Record<string, number> = {};
  status: TrainStatus = 'completed';
  reason: string | undefined;
  stepResult: StepResult | undefined;
  stopRequest: { status: 'early-stopped' | 'time-limit' | 'diverged'; reason: string } | undefined;
  readonly checkpointRequests = new Set<'best' | 'last'>();
  private readonly sessionStart = performance.now();

  constructor(
    readonly runDir: string,
    readonly options: ResolvedTrainOptions,
    readonly batches: number,
    private readonly elapsedBefore: number,
    private readonly readTotals: () => TrainTotals,
  ) {}

  get maxEpochs(): number {
    return this.options.maxEpochs;
  }

  get elapsedSeconds(): number {
    return this.elapsedBefore + (performance.now() - this.sessionStart) / 1000;
  }

  get loss(): number {
    return this.stepResult?.loss() ?? Number.NaN;
  }

  get accuracy(): number {
    return this.stepResult?.accuracy() ?? Number.NaN;
  }

  get epochLoss(): number {
    const totals = this.readTotals();
    return totals.samples > 0 ? totals.loss / totals.samples : Number.NaN;
  }

  get epochAccuracy(): number {
    const totals = this.readTotals();
    return totals.samples > 0 ? totals.correct / totals.samples : Number.NaN;
  }

  stop(status: 'early-stopped' | 'time-limit' | 'diverged', reason: string): void {
    this.stopRequest ??= { status, reason };
  }

  saveCheckpoint(name: 'best' | 'last'): void {
    this.checkpointRequests.add(name);
  }
}

type Hook = 'onTrainStart' | 'onEpochStart' | 'onBatchEnd' | 'onEpochEnd' | 'onTrainEnd';

/**
 * The training loop: seeded shuffles per epoch, one engine step per batch with the dropout seed
 * set from (seed, step), validation and logging every epoch, callbacks after every event, and
 * checkpoints saved after each round of callbacks that asked for them.
 */
export class TrainingLoop {
  private readonly context: LoopContext;
  private readonly sampler: BatchSampler;
  private position: TrainPosition;
  /** metrics.jsonl lines written up to {@link position}. */
  private positionRecords: number;
  private lastSaved = '';
  private lastYield = performance.now();
  // Tests only (MACHOP_TEST_PAUSE_AT): undefined in every real run.
  private readonly pause = testPause();
  private readonly lastValues: Record<string, number> = {};

  constructor(private readonly setup: LoopSetup) {
    this.sampler = new BatchSampler(setup.data.train, setup.data.features, setup.options.batchSize);
    this.context = new LoopContext(
      setup.runDir,
      setup.options,
      this.sampler.batches,
      setup.start.elapsedSeconds,
      () => setup.engine.readTotals(),
    );
    this.position = { ...setup.start.position };
    this.positionRecords = setup.log.records;
  }

  /** Batches per epoch. */
  get batches(): number {
    return this.sampler.batches;
  }

  /** The last value logged of every metric. */
  get metrics(): Readonly<Record<string, number>> {
    return this.lastValues;
  }

  /** Log `values` at the current position (also used for the final test metrics). */
  async log(values: Readonly<Record<string, number>>, epoch = this.context.epoch): Promise<void> {
    await this.setup.log.log(this.position.globalStep, epoch, values);
    Object.assign(this.lastValues, values);
  }

  private aborted(): boolean {
    return this.setup.signal?.aborted === true;
  }

  private stopping(): boolean {
    return this.aborted() || this.context.stopRequest !== undefined;
  }

  private async round(hook: Hook): Promise<void> {
    for (const callback of this.setup.callbacks) {
      const pending = callback[hook]?.call(callback, this.context);
      if (pending) await pending;
    }
    await this.flushCheckpoints();
  }

  private async flushCheckpoints(): Promise<void> {
    if (this.context.checkpointRequests.size === 0) return;
    const names = [...this.context.checkpointRequests];
    this.context.checkpointRequests.clear();
    const key = `${this.position.epoch}:${this.position.batch}:${this.position.globalStep}`;
    for (const name of names) {
      if (name === 'last' && this.lastSaved === key) continue;
      await this.setup.saveCheckpoint(name, this.snapshot());
      if (name === 'last') this.lastSaved = key;
    }
  }

  private snapshot(): LoopSnapshot {
    const callbacks: Record<string, unknown> = {};
    for (const callback of this.setup.callbacks) {
      if (callback.stateKey !== undefined && callback.saveState)
        callbacks[callback.stateKey] = callback.saveState();
    }
    return {
      position: { ...this.position },
      metricsRecords: this.positionRecords,
      elapsedSeconds: this.context.elapsedSeconds,
      totals:
        this.position.batch === 0
          ? { loss: 0, correct: 0, samples: 0 }
          : this.setup.engine.readTotals(),
      callbacks,
    };
  }

  // A long synchronous stretch of steps would keep signal handlers (Ctrl-C) from ever running.
  private async yieldIfDue(): Promise<void> {
    const now = performance.now();
    if (now - this.lastYield < YIELD_EVERY_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.lastYield = performance.now();
  }

  /** Train from the start position until the last epoch, a stop request or an abort. */
  async run(): Promise<LoopOutcome> {
    const { engine, options, data, log } = this.setup;
    const context = this.context;
    const sampler = this.sampler;
    let samples = 0;
    let trainMilliseconds = 0;
    if (this.position.batch > 0 && this.setup.start.totals)
      engine.resetTotals(this.setup.start.totals);
    context.epoch = this.position.epoch;
    context.globalStep = this.position.globalStep;
    context.learningRate = learningRateAt(options, this.position.epoch);
    await this.round('onTrainStart');

    while (this.position.epoch < options.maxEpochs && !this.stopping()) {
      const epoch = this.position.epoch;
      const epochStart = performance.now();
      context.epoch = epoch;
      context.learningRate = engine.learningRate = learningRateAt(options, epoch);
      sampler.shuffle(mixSeed(options.seed, SHUFFLE_DOMAIN, epoch));
      if (this.position.batch === 0) {
        engine.resetTotals();
        await this.log({ lr: context.learningRate });
        this.positionRecords = log.records;
      }
      await this.round('onEpochStart');
      let epochSamples = 0;
      const trainStart = performance.now();
      while (this.position.batch < sampler.batches && !this.stopping()) {
        const size = sampler.fill(this.position.batch);
        setStepSeed(mixSeed(options.seed, this.position.globalStep));
        context.stepResult = engine.step(sampler.x, sampler.y, size);
        this.position.batch += 1;
        this.position.globalStep += 1;
        epochSamples += size;
        context.batch = this.position.batch;
        context.batchSize = size;
        context.globalStep = this.position.globalStep;
        context.samplesPerSecond =
          (epochSamples * 1000) / Math.max(performance.now() - trainStart, 1e-3);
        if (this.position.globalStep % options.logEveryNSteps === 0) {
          await this.log({ train_loss_step: context.loss, train_acc_step: context.accuracy });
        }
        this.positionRecords = log.records;
        await this.round('onBatchEnd');
        await this.pause?.at('step', this.position.globalStep, this.setup.signal);
        await this.yieldIfDue();
      }
      const epochTrainMilliseconds = performance.now() - trainStart;
      samples += epochSamples;
      trainMilliseconds += epochTrainMilliseconds;
      context.stepResult = undefined;
      if (this.stopping()) break;

      const totals = engine.readTotals();
      const validation = evaluateSplit(
        engine,
        data.validation,
        evaluationBatchSize(options.batchSize),
      );
      const metrics = {
        val_loss_epoch: validation.loss,
        val_acc_epoch: validation.accuracy,
        train_loss_epoch: totals.samples > 0 ? totals.loss / totals.samples : Number.NaN,
        train_acc_epoch: totals.samples > 0 ? totals.correct / totals.samples : Number.NaN,
      };
      await this.log(metrics);
      this.position = { epoch: epoch + 1, batch: 0, globalStep: this.position.globalStep };
      this.positionRecords = log.records;
      context.metrics = { ...metrics, lr: context.learningRate };
      context.seconds = (performance.now() - epochStart) / 1000;
      context.samplesPerSecond = (epochSamples * 1000) / Math.max(epochTrainMilliseconds, 1e-3);
      await this.round('onEpochEnd');
      await this.pause?.at('epoch', this.position.epoch, this.setup.signal);
    }

    const status: TrainStatus = this.aborted()
      ? 'interrupted'
      : (context.stopRequest?.status ?? 'completed');
    const reason = this.aborted() ? 'aborted' : context.stopRequest?.reason;
    return {
      status,
      reason,
      position: { ...this.position },
      samples,
      trainSeconds: trainMilliseconds / 1000,
    };
  }

  /** Save checkpoints/last now, unless it already holds the current position. */
  async saveLast(): Promise<void> {
    this.context.saveCheckpoint('last');
    await this.flushCheckpoints();
  }

  /** Seconds the run has spent, sessions before a resume included. */
  get elapsedSeconds(): number {
    return this.context.elapsedSeconds;
  }

  /** Tell callbacks the run is over (they may ask for a last checkpoint) and save what they asked. */
  async finish(outcome: LoopOutcome): Promise<void> {
    this.context.status = outcome.status;
    this.context.reason = outcome.reason;
    this.context.metrics = { ...this.lastValues };
    await this.round('onTrainEnd');
  }
}
