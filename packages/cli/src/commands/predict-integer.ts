import type { Registry, Scaler } from '@machop/core/base';
import { integerForward, integerLogits } from '@machop/graph/integer';
import type { Predictions } from '@machop/trainer';
import { readRunGraph, runPlan } from '../run-graph.js';

/** What `ch predict --integer` predicts with: the hardware's integer arithmetic of a run. */
export interface IntegerPredictor {
  checkpointDir: string;
  featureNames: string[];
  classNames: string[];
  scaler: Scaler;
  predict(x: Float32Array, rows: number): Predictions;
}

/**
 * A transformed run's integer reference (`integerPlan` + `integerForward` of @machop/graph) as a
 * predictor: the logits are the hardware's output integers over `2^frac`, the probabilities their
 * softmax computed as `ch test` computes it. Loads no TensorFlow.js and no engine.
 */
export async function openIntegerPredictor(
  load: string,
  registry: Registry,
): Promise<IntegerPredictor> {
  const run = await readRunGraph(load, registry);
  const plan = runPlan(run);
  const classes = plan.output.size;
  return {
    checkpointDir: run.checkpointDir,
    featureNames: run.featureNames,
    classNames: run.classNames,
    scaler: run.record.scaler,
    predict(x, rows) {
      const logits = integerLogits(plan, integerForward(plan, x, rows));
      const probabilities = new Float32Array(rows * classes);
      const predicted = new Int32Array(rows);
      for (let row = 0; row < rows; row++) {
        const offset = row * classes;
        let best = 0;
        for (let column = 1; column < classes; column++)
          if (logits[offset + column] > logits[offset + best]) best = column;
        let total = 0;
        for (let column = 0; column < classes; column++) {
          probabilities[offset + column] = Math.exp(
            logits[offset + column] - logits[offset + best],
          );
          total += probabilities[offset + column];
        }
        for (let column = 0; column < classes; column++) probabilities[offset + column] /= total;
        predicted[row] = best;
      }
      return { rows, logits, probabilities, predicted };
    },
  };
}
