import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CheckpointError,
  loadModel,
  saveModel,
  type AtomicWriteOptions,
  type LayerQuant,
  type LayersModel,
  type OptionValues,
  type Scaler,
  type SplitOptions,
} from '@machop/core';
import { checkpointDir, runOfCheckpoint, runPaths } from '@machop/runs';
import type { TrainTotals } from './engine.js';
import type { OptimizerState } from './optimizer.js';

/** File names a trainer checkpoint adds to the tfjs layout (model.json + weights.bin). */
export const TRAINER_STATE_JSON = 'trainer-state.json';
export const OPTIMIZER_BIN = 'optimizer.bin';

/** Where training stands: the next step is batch `batch` of epoch `epoch`. */
export interface TrainPosition {
  epoch: number;
  /** Batches of `epoch` already done (0 at an epoch's start). */
  batch: number;
  globalStep: number;
}

/**
 * `trainer-state.json`: what a checkpoint was trained for, and what resuming needs besides
 * weights and optimizer arrays. Shuffles and dropout derive from (seed, epoch) and (seed, step),
 * so no random generator state is stored.
 */
export interface TrainerState {
  format: 'machop-trainer-state';
  version: 1;
  model: string;
  modelOptions: OptionValues;
  /** The model's per-layer quantization (a transformed run's, and QAT's); absent for a float model. */
  quant?: LayerQuant;
  /** The graph's node name of each layer (`seq_blocks_2`), beside {@link TrainerState.quant}. */
  nodes?: string[];
  dataset: string;
  datasetOptions: OptionValues;
  features: number;
  classes: number;
  /**
   * The feature columns, in the model's input order, and the class names, so a checkpoint copied
   * out of its run can still read rows by column name (`ch predict`). Absent in older checkpoints.
   */
  featureNames?: string[];
  classNames?: string[];
  split: SplitOptions;
  scaler: Scaler;
  position: TrainPosition;
  /** Lines of metrics.jsonl written up to this position. */
  metricsRecords: number;
  elapsedSeconds: number;
  /** Loss and accuracy sums of the unfinished epoch. */
  totals: TrainTotals;
  /** State of callbacks by their `stateKey`. */
  callbacks: Record<string, unknown>;
  /** Optimizer state; the arrays' values are in optimizer.bin, in this order. */
  optimizer: {
    kind: OptimizerState['kind'];
    iterations: number;
    arrays: { name: string; shape: number[] }[];
  };
  savedAt: string;
}

/**
 * Save model, trainer state and optimizer arrays into `dir`, replacing it atomically
 * (`options.createParents: false`: into a folder that must still be there).
 */
export async function writeCheckpoint(
  dir: string,
  model: LayersModel,
  state: Omit<TrainerState, 'optimizer'>,
  optimizer: OptimizerState,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const bytes = new Uint8Array(
    optimizer.arrays.reduce((sum, array) => sum + array.values.byteLength, 0),
  );
  let offset = 0;
  for (const array of optimizer.arrays) {
    bytes.set(
      new Uint8Array(array.values.buffer, array.values.byteOffset, array.values.byteLength),
      offset,
    );
    offset += array.values.byteLength;
  }
  const full: TrainerState = {
    ...state,
    optimizer: {
      kind: optimizer.kind,
      iterations: optimizer.iterations,
      arrays: optimizer.arrays.map(({ name, shape }) => ({ name, shape })),
    },
  };
  await saveModel(
    model,
    dir,
    {
      [TRAINER_STATE_JSON]: JSON.stringify(full, null, 2) + '\n',
      [OPTIMIZER_BIN]: bytes,
    },
    options,
  );
}

/** Read `trainer-state.json` of a checkpoint folder; a missing or damaged file is a {@link CheckpointError}. */
export async function readTrainerState(dir: string): Promise<TrainerState> {
  const file = path.join(dir, TRAINER_STATE_JSON);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CheckpointError(
      `${dir} is not a Machop.ts checkpoint: ${TRAINER_STATE_JSON} is missing; pass a run folder or one of its checkpoints/best, checkpoints/last`,
      { cause: error },
    );
  }
  let state: TrainerState;
  try {
    state = JSON.parse(text) as TrainerState;
  } catch (error) {
    throw new CheckpointError(
      `checkpoint ${file} is corrupt: not valid JSON; use another checkpoint (checkpoints/best or checkpoints/last)`,
      { cause: error },
    );
  }
  if (
    state?.format !== 'machop-trainer-state' ||
    state.version !== 1 ||
    typeof state.model !== 'string' ||
    !state.position ||
    !state.optimizer
  ) {
    throw new CheckpointError(
      `checkpoint ${file} is corrupt or from another tool: no machop-trainer-state version 1 record`,
    );
  }
  return state;
}

/** The optimizer arrays of a checkpoint, checked against their shapes in `state`. */
export async function readOptimizerState(
  dir: string,
  state: TrainerState,
): Promise<OptimizerState> {
  const file = path.join(dir, OPTIMIZER_BIN);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new CheckpointError(
      `cannot read checkpoint optimizer state ${file}: file not found or unreadable`,
      { cause: error },
    );
  }
  const sizes = state.optimizer.arrays.map((array) => array.shape.reduce((a, b) => a * b, 1));
  const expected = sizes.reduce((a, b) => a + b, 0) * 4;
  if (bytes.byteLength !== expected) {
    throw new CheckpointError(
      `checkpoint ${dir} is corrupt: ${OPTIMIZER_BIN} holds ${bytes.byteLength} bytes but ${TRAINER_STATE_JSON} describes ${expected}`,
    );
  }
  const all = new Float32Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
  let offset = 0;
  const arrays = state.optimizer.arrays.map((array, index) => {
    const values = all.slice(offset, offset + sizes[index]);
    offset += sizes[index];
    return { name: array.name, shape: array.shape, values };
  });
  return { kind: state.optimizer.kind, iterations: state.optimizer.iterations, arrays };
}

/** Check that a checkpoint was trained for this model name and data shape. */
export function checkCheckpointFits(
  state: TrainerState,
  dir: string,
  expected: { model: string; features: number; classes: number; dataset?: string },
): void {
  if (state.model !== expected.model) {
    throw new CheckpointError(
      `checkpoint ${dir} was trained for model "${state.model}", not "${expected.model}"; pass --load a checkpoint of ${expected.model} or use model ${state.model}`,
    );
  }
  if (state.features !== expected.features || state.classes !== expected.classes) {
    const from = expected.dataset === undefined ? 'the data' : `data set "${expected.dataset}"`;
    throw new CheckpointError(
      `checkpoint ${dir} expects ${state.features} features and ${state.classes} classes, but ${from} has ${expected.features} features and ${expected.classes} classes; use the data set it was trained on ("${state.dataset}")`,
    );
  }
}

/**
 * Copy a checkpoint's weights into `target`, which must have the same architecture. A corrupt
 * checkpoint or one of another architecture is a {@link CheckpointError}.
 */
export async function loadCheckpointWeights(dir: string, target: LayersModel): Promise<void> {
  const saved = await loadModel(dir);
  try {
    const have = saved.weights.map((weight) => weight.shape.join('x'));
    const want = target.weights.map((weight) => weight.shape.join('x'));
    if (have.join(',') !== want.join(',')) {
      throw new CheckpointError(
        `checkpoint ${dir} holds weights of shapes [${have.join(', ')}] but the model has [${want.join(', ')}]; it belongs to another model or model options`,
      );
    }
    target.setWeights(saved.getWeights());
  } finally {
    saved.dispose();
  }
}

/** A checkpoint folder and the run folder it belongs to, if any. */
export interface LocatedCheckpoint {
  checkpointDir: string;
  runDir: string | undefined;
}

/**
 * Find the checkpoint a `load` path means: a run folder (its `checkpoints/<prefer>`, else the
 * other one) or a checkpoint folder (holding model.json).
 */
export function locateCheckpoint(load: string, prefer: 'best' | 'last'): LocatedCheckpoint {
  const target = path.resolve(load);
  if (existsSync(runPaths(target).checkpoints)) {
    const other = prefer === 'best' ? ('last' as const) : ('best' as const);
    for (const name of [prefer, other]) {
      const dir = checkpointDir(target, name);
      if (existsSync(dir)) return { checkpointDir: dir, runDir: target };
    }
    throw new CheckpointError(
      `run ${target} has no checkpoint yet (checkpoints/best and checkpoints/last are missing); train it with ch train, or go on with ch train --resume ${target}, until it saves one`,
    );
  }
  if (
    existsSync(path.join(target, 'model.json')) ||
    existsSync(path.join(target, TRAINER_STATE_JSON))
  ) {
    return { checkpointDir: target, runDir: runOfCheckpoint(target) };
  }
  const reason = existsSync(target)
    ? 'it holds neither checkpoints/ nor model.json'
    : 'no such folder';
  throw new CheckpointError(
    `cannot load ${target}: ${reason}; pass a run folder or a checkpoint folder such as <run>/checkpoints/best`,
  );
}
