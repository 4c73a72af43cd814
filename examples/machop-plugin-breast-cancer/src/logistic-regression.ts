import type { ModelEntry } from '@machop/core';

/**
 * Multinomial logistic regression: one dense layer from the features to the class logits. A
 * model needs no layer list; `create` alone builds it, here with a seeded initialiser.
 */
export const logisticRegression: ModelEntry = {
  description: 'logistic regression: one dense layer, features to class logits',
  task: 'classification',
  create: ({ features, classes, seed, tf }) =>
    tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [features],
          units: classes,
          kernelInitializer: tf.initializers.glorotUniform({ seed }),
          name: 'logits',
        }),
      ],
    }),
  trainableParams: ({ features, classes }) => features * classes + classes,
};
