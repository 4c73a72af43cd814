/**
 * @machop/trainer/testing: the model conformance suite of `@machop/core/testing`, with its
 * training check run through this trainer's engine, the code `ch train` runs. Call it at the top
 * level of a vitest file.
 *
 * It lives here rather than in core because core cannot depend on the trainer (dependencies
 * point core ← models, datasets, metrics ← trainer), and a training check that core makes on its
 * own, with `tf.train.adam`, passes models the trainer cannot train.
 *
 * @example
 * import { describeModelConformance } from '@machop/trainer/testing';
 * import plugin from '../src/index.js';
 * describeModelConformance('mixer-s', { plugins: [plugin] });
 *
 * @packageDocumentation
 */
import {
  describeModelConformance as describeCoreModelConformance,
  type ModelConformanceOptions,
  type TrainSteps,
} from '@machop/core/testing';
import { mixSeed, setStepSeed } from '@machop/core';
import { TfjsEngine } from './tfjs-engine.js';

const CONFORMANCE_SEED = 1;

/** The learning rate of the conformance steps: MASE's default (1e-5) moves the loss too little to see. */
const CONFORMANCE_LEARNING_RATE = 1e-3;

/**
 * Steps of the engine `train` uses (Adam with PyTorch's update rule, training mode, the step
 * seed set before each step as the loop sets it), on a model's own weights.
 */
export const trainerSteps: TrainSteps = (model, batch, steps) => {
  const engine = new TfjsEngine(model, {
    kind: 'adam',
    learningRate: CONFORMANCE_LEARNING_RATE,
    weightDecay: 0,
  });
  try {
    for (let step = 0; step < steps; step++) {
      setStepSeed(mixSeed(CONFORMANCE_SEED, step));
      engine.step(batch.x, batch.y, batch.size);
    }
  } finally {
    engine.dispose();
  }
};

/**
 * `describeModelConformance` of `@machop/core/testing` with {@link trainerSteps} as its training
 * steps: a model that passes it trains in `ch train`.
 */
export function describeModelConformance(
  name: string,
  options: Omit<ModelConformanceOptions, 'trainSteps'> = {},
): void {
  describeCoreModelConformance(name, { ...options, trainSteps: trainerSteps });
}

export type { ModelConformanceOptions } from '@machop/core/testing';
