import type { DataShape, ModelEntry, OptionValues, Registered } from '@machop/core';
import { buildModel } from './build-model.js';
import { loadCheckpointWeights } from './checkpoint-io.js';
import { chooseEvaluator, type EngineRecord, type Evaluator } from './choose-engine.js';
import type { EngineChoice, ThreadsChoice } from './options.js';

/** A checkpoint ready to compute logits, and the engine it runs on. */
export interface CheckpointEvaluator {
  evaluator: Evaluator;
  record: EngineRecord;
  /** Free the engine and the model. */
  dispose(): void;
}

/**
 * Load the checkpoint in `checkpointDir` for inference: its weights go into a tfjs model of the
 * architecture (checkpoints keep the tfjs layout) and that model to the engine `engine` picks.
 * `ch test` and `ch predict` both load through here, so a checkpoint that one of them can read
 * (a transformed one included, once the models support it) the other reads the same way.
 */
export async function loadCheckpointEvaluator(
  checkpointDir: string,
  input: {
    entry: Registered<ModelEntry>;
    shape: DataShape;
    modelOptions: OptionValues;
    seed: number;
    engine: EngineChoice;
    threads?: ThreadsChoice;
  },
): Promise<CheckpointEvaluator> {
  const model = buildModel(input.entry, input.shape, input.modelOptions, input.seed);
  try {
    await loadCheckpointWeights(checkpointDir, model);
    const { evaluator, record } = chooseEvaluator(input.engine, {
      entry: input.entry,
      shape: input.shape,
      modelOptions: input.modelOptions,
      seed: input.seed,
      model,
      threads: input.threads,
    });
    return {
      evaluator,
      record,
      dispose() {
        try {
          evaluator.dispose();
        } finally {
          model.dispose();
        }
      },
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
