import { definePlugin, initBackend, tf, type ModelEntry } from '@machop/core';
import { lossAroundTraining } from '@machop/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeModelConformance, trainerSteps } from './testing.js';

/** Identity in inference, negation in training: what a broken dropout or noise layer amounts to. */
class FlipInTraining extends tf.layers.Layer {
  static className = 'FlipInTraining';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    return kwargs.training === true ? tf.neg(input) : input;
  }
}
tf.serialization.registerClass(FlipInTraining);

const linear = (flip: boolean): ModelEntry => ({
  description: 'one dense layer',
  task: 'classification',
  create: ({ features, classes, seed }) =>
    tf.sequential({
      layers: [
        ...(flip ? [new FlipInTraining({ inputShape: [features] })] : []),
        tf.layers.dense({
          ...(flip ? {} : { inputShape: [features] }),
          units: classes,
          kernelInitializer: tf.initializers.glorotUniform({ seed }),
        }),
      ],
    }),
});

const plugin = definePlugin({
  name: 'trainer-testing-fixtures',
  apiVersion: 1,
  setup(registry) {
    registry.models.add('fixture-linear', linear(false));
  },
});

// The suite itself, through the trainer, on a model that trains.
describeModelConformance('fixture-linear', { plugins: [plugin] });

describe('the conformance training check', () => {
  const shape = { features: 16, classes: 5 };
  beforeAll(async () => {
    await initBackend();
  });

  it("rejects, through the trainer's steps, a model that tf.train.adam alone would pass", async () => {
    const withAdam = linear(true).create({ ...shape, options: {}, seed: 1, tf });
    const adam = await lossAroundTraining(withAdam, shape);
    expect(adam.after).toBeLessThan(adam.before);
    withAdam.dispose();

    const withTrainer = linear(true).create({ ...shape, options: {}, seed: 1, tf });
    const trainer = await lossAroundTraining(withTrainer, shape, trainerSteps);
    expect(trainer.after).toBeGreaterThan(trainer.before);
    withTrainer.dispose();
  });

  it("lowers the loss of a model that trains, with the trainer's step", async () => {
    const model = linear(false).create({ ...shape, options: {}, seed: 1, tf });
    const { before, after } = await lossAroundTraining(model, shape, trainerSteps);
    expect(after).toBeLessThan(before);
    model.dispose();
  });
});
