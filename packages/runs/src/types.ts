import type {
  BackendInfo,
  LayerQuant,
  OptionValues,
  Scaler,
  SplitOptions,
  TabularDataset,
} from '@machop/core';

/** How a run ended, as summary.json says; `diverged` when the training loss stopped being finite. */
export type RunEndStatus =
  'completed' | 'early-stopped' | 'time-limit' | 'interrupted' | 'diverged';

/**
 * What a reader makes of a run folder: its summary's status, else `running` while a live process
 * holds its lock, else `crashed` (the process died before writing a summary).
 */
export type RunStatus = RunEndStatus | 'running' | 'crashed';

/** The options a trainer resolved for a run; the trainer's own type has every field. */
export interface RunOptions {
  model: string;
  dataset: string;
  modelOptions: OptionValues;
  datasetOptions: OptionValues;
  seed: number;
  maxEpochs: number;
  batchSize: number;
  learningRate: number;
  [name: string]: unknown;
}

/** A run that is a trial of a sweep: recorded in its config.json. */
export interface SweepMembership {
  /** The sweep's id (its folder under `<project>/sweeps/`). */
  id: string;
  /** The trial's name, unique in the sweep (also its run id). */
  trial: string;
  /** The values this trial's point gives the swept settings, by setting name (`batch-size`). */
  point: Record<string, string | number | boolean>;
  /** The seed of this repeat. */
  seed: number;
}

/** config.json: everything that describes a run, so the folder alone can reproduce and explain it. */
export interface RunConfig<Options = RunOptions> {
  format: 'machop-run';
  version: 1;
  runId: string;
  project: string;
  /** The name the run was given (`--name`), or null. */
  name?: string | null;
  /** Tags given with `--tag`. */
  tags?: string[];
  createdAt: string;
  model: {
    name: string;
    plugin: string;
    options: OptionValues;
    parameters: { trainable: number; total: number };
    /**
     * Per-layer quantization, entry `i` for layer `i` (null: float), for a run `ch transform`
     * made or one trained from it (QAT); absent for a float model. Loading the run builds the
     * model with it.
     */
    quant?: LayerQuant;
    /** The graph's node name of each layer (`seq_blocks_2`), beside {@link quant}. */
    nodes?: string[];
  };
  dataset: {
    name: string;
    plugin: string;
    options: OptionValues;
    features: number;
    classes: number;
    featureNames: string[];
    classNames: string[];
    source: TabularDataset['source'];
  };
  /** The resolved training options, defaults applied (what resume reads back). */
  options: Options;
  seed: number;
  split: SplitOptions;
  splitSizes: { train: number; validation: number; test: number };
  scaler: Scaler;
  backend: BackendInfo | null;
  versions: Record<string, string | null>;
  git: { commit: string; dirty: boolean } | null;
  /** The checkpoint the weights started from (`load`), if any. */
  loadedFrom: string | null;
  /** For a run `ch transform` made: the checkpoint it quantized and the config file it followed. */
  transformedFrom?: { checkpoint: string; config: string };
  /**
   * The engine the latest session trained with (`requested` is the `engine` option; `reason` says
   * why `auto` fell back to tfjs; `threads` is how many it trained on, absent before threads
   * could be chosen). Absent in runs made before engines could be chosen.
   */
  engine?: { requested: string; used: string; reason: string | null; threads?: number };
  /** When the run was resumed, and from which step. */
  resumes: { at: string; fromStep: number; backend: string | null }[];
  /** The sweep this run is a trial of; absent or null for a run of its own. */
  sweep?: SweepMembership | null;
  /** What the caller asked to keep (the CLI: its settings with their sources). */
  config: Record<string, unknown> | null;
}

/** summary.json: how a run went. */
export interface RunSummary {
  status: RunEndStatus;
  /** Why the run stopped before maxEpochs, if it did. */
  reason: string | null;
  model: string;
  dataset: string;
  /** Completed epochs. */
  epochs: number;
  steps: number;
  /** The last logged value of every metric (test_* are those of the tested checkpoint). */
  final: Record<string, number>;
  /** Epoch metrics of the best epoch by `monitor`, or null if no epoch completed. */
  best: Record<string, number> | null;
  bestEpoch: number | null;
  bestStep: number | null;
  monitor: string;
  mode: 'min' | 'max';
  /** Which checkpoint the test metrics come from, or null when not tested. */
  testedCheckpoint: 'best' | 'last' | null;
  /** Seconds since the run started, sessions before a resume included. */
  wallTimeSeconds: number;
  /** Seconds spent in training steps in this session (validation excluded). */
  trainSeconds: number;
  /** Training samples per second in this session. */
  samplesPerSecond: number;
  backend: string | null;
  endedAt: string;
}

/** test.json: a checkpoint's quality on the test split. */
export interface TestReport {
  format: 'machop-test';
  version: 1;
  model: string;
  dataset: string;
  checkpoint: string;
  runDir: string | null;
  /** Names of the classes, in the order of the per-class arrays and the matrix rows. */
  classNames: string[];
  /** Rows tested. */
  size: number;
  /** Mean softmax cross-entropy per row. */
  loss: number;
  accuracy: number;
  topK?: { k: number; accuracy: number };
  /** `confusionMatrix[true][predicted]` row counts. */
  confusionMatrix: number[][];
  support: number[];
  precision: number[];
  recall: number[];
  f1: number[];
  macro: { precision: number; recall: number; f1: number };
  auc?: (number | null)[];
  macroAuc?: number | null;
  backend: string | null;
  /** The engine that computed the logits, and why `auto` fell back to tfjs (absent before 0.2). */
  engine?: { requested: string; used: string; reason: string | null; threads?: number };
  testedAt: string;
}

/** One line of metrics.jsonl. */
export interface MetricRecord {
  /** Optimizer steps done when the value was logged. */
  step: number;
  /** 0-based epoch. */
  epoch: number;
  /** Seconds since the Unix epoch. */
  time: number;
  name: string;
  /** null stands for a value JSON cannot hold (NaN or infinite). */
  value: number | null;
}
