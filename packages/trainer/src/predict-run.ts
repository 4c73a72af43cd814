import {
  CheckpointError,
  currentBackend,
  getRegistry,
  initBackend,
  resolveEntryOptions,
  type Reporter,
  type Scaler,
} from '@machop/core';
import { readRun } from '@machop/runs';
import { quantizedEntry } from './quantized-entry.js';
import { loadCheckpointEvaluator } from './checkpoint-evaluator.js';
import { locateCheckpoint, readTrainerState, type TrainerState } from './checkpoint-io.js';
import type { EngineRecord } from './choose-engine.js';
import { EVALUATION_BATCH_ROWS, evaluateSplit } from './evaluate.js';
import { engineChoice, threadsChoice, type EngineChoice, type ThreadsChoice } from './options.js';
import { engineLine } from './test-run.js';

/** What {@link openPredictor} loads. */
export interface PredictorOptions {
  /** A run folder (its best checkpoint, else its last) or a checkpoint folder, as `test` takes. */
  load: string;
  /** The engine that computes the logits; `auto` (the default) as in `test`. */
  engine?: EngineChoice;
  /** Threads of the fused engine, as in `test`. */
  threads?: ThreadsChoice;
}

/** A batch of predictions, row-major. */
export interface Predictions {
  rows: number;
  /** `rows * classes` logits as the engine computed them. */
  logits: Float32Array;
  /** `rows * classes` softmax probabilities, computed as `test` computes them. */
  probabilities: Float32Array;
  /** The predicted class of each row: the most probable, the lowest index on a tie, as `test` counts it. */
  predicted: Int32Array;
}

/** A trained checkpoint, loaded to predict classes of new rows. */
export interface Predictor {
  checkpointDir: string;
  runDir: string | undefined;
  model: string;
  /** The columns the model reads, in its input order. */
  featureNames: string[];
  classNames: string[];
  /** The scaler fitted on the run's training rows: apply it to raw rows before {@link Predictor.predict}. */
  scaler: Scaler;
  engine: EngineRecord;
  /**
   * Predict `rows` rows of already scaled features (`rows * featureNames.length` values,
   * row-major), in batches of `batchSize` rows (default 4096; results do not depend on it).
   */
  predict(x: Float32Array, rows: number, batchSize?: number): Predictions;
  /** Free the engine and the model. */
  dispose(): void;
}

/** The feature and class names of a checkpoint: its own record, else its run's config.json. */
async function namesOf(
  state: TrainerState,
  checkpointDir: string,
  runDir: string | undefined,
): Promise<{ featureNames: string[]; classNames: string[] }> {
  const dataset = runDir === undefined ? undefined : (await readRun(runDir))?.config.dataset;
  const featureNames = state.featureNames ?? dataset?.featureNames;
  const classNames = state.classNames ?? dataset?.classNames;
  if (!Array.isArray(featureNames) || !Array.isArray(classNames))
    throw new CheckpointError(
      `checkpoint ${checkpointDir} records no feature and class names (it predates them and has no run folder around it); pass the run folder it was trained in`,
    );
  if (featureNames.length !== state.features || classNames.length !== state.classes)
    throw new CheckpointError(
      `checkpoint ${checkpointDir} expects ${state.features} features and ${state.classes} classes, but its names list ${featureNames.length} and ${classNames.length}; the run folder is damaged, train it again`,
    );
  return { featureNames, classNames };
}

function checkScaler(state: TrainerState, checkpointDir: string): Scaler {
  const fits = (values: unknown, positive: boolean) =>
    Array.isArray(values) &&
    values.length === state.features &&
    values.every(
      (value) => typeof value === 'number' && Number.isFinite(value) && (!positive || value > 0),
    );
  if (!fits(state.scaler?.mean, false) || !fits(state.scaler?.scale, true))
    throw new CheckpointError(
      `checkpoint ${checkpointDir} has a damaged scaler (it needs ${state.features} finite means and positive scales); use another checkpoint or train the run again`,
    );
  return state.scaler;
}

/**
 * Load a trained checkpoint to predict new rows, exactly as {@link test} evaluates: the same
 * checkpoint choice, model loading ({@link loadCheckpointEvaluator}), engine and softmax, so the
 * classes it predicts for the test split's rows are those `test` scores.
 *
 * @example
 * const predictor = await openPredictor({ load: 'machop_output/lab1/2026-11-29T04-10-00_0' });
 * const { predicted } = predictor.predict(scaledRows, rows);
 * predictor.dispose();
 */
export async function openPredictor(
  options: PredictorOptions,
  hooks: { reporter?: Reporter } = {},
): Promise<Predictor> {
  const engine = engineChoice(options.engine);
  const threads = threadsChoice(options.threads);
  const { checkpointDir, runDir } = locateCheckpoint(options.load, 'best');
  const state = await readTrainerState(checkpointDir);
  const { featureNames, classNames } = await namesOf(state, checkpointDir, runDir);
  const scaler = checkScaler(state, checkpointDir);
  const entry = getRegistry().models.get(state.model);
  if (!currentBackend()) await initBackend();
  const loaded = await loadCheckpointEvaluator(checkpointDir, {
    // A transformed run predicts with its quantized model.
    entry: quantizedEntry(entry, state.quant),
    shape: { features: state.features, classes: state.classes },
    modelOptions: resolveEntryOptions('model', entry, state.modelOptions),
    seed: 0,
    engine,
    threads,
  });
  hooks.reporter?.info(engineLine(loaded.record));
  const classes = state.classes;
  return {
    checkpointDir,
    runDir,
    model: state.model,
    featureNames,
    classNames,
    scaler,
    engine: loaded.record,
    predict(x, rows, batchSize = EVALUATION_BATCH_ROWS) {
      const logits = new Float32Array(rows * classes);
      const probabilities = new Float32Array(rows * classes);
      const predicted = new Int32Array(rows);
      let row = 0;
      const split = { x, y: new Int32Array(rows), size: rows };
      evaluateSplit(loaded.evaluator, split, batchSize, (batch) => {
        logits.set(batch.logits, row * classes);
        probabilities.set(batch.scores, row * classes);
        for (let index = 0; index < batch.size; index++) {
          // The argmax of the probabilities, first on a tie: what test's accuracy counts.
          const offset = index * classes;
          let best = 0;
          for (let column = 1; column < classes; column++)
            if (batch.scores[offset + column] > batch.scores[offset + best]) best = column;
          predicted[row + index] = best;
        }
        row += batch.size;
      });
      return { rows, logits, probabilities, predicted };
    },
    dispose: () => loaded.dispose(),
  };
}
