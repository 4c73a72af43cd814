/**
 * An example third-party Machop.ts plugin, built and tested like a real one: it uses only the
 * public APIs of @machop/core and @machop/datasets.
 *
 * @example
 * // machop.config.json
 * { "plugins": ["machop-plugin-breast-cancer"] }
 * // then: ch train logistic-regression breast-cancer --learning-rate 0.01 --max-epochs 30
 *
 * @packageDocumentation
 */
import { definePlugin } from '@machop/core';
import { breastCancer } from './breast-cancer.js';
import { logisticRegression } from './logistic-regression.js';

/** Registers the `breast-cancer` data set and the `logistic-regression` model. */
export const breastCancerPlugin = definePlugin({
  name: 'machop-plugin-breast-cancer',
  apiVersion: 1,
  setup(registry) {
    registry.datasets.add('breast-cancer', breastCancer);
    registry.models.add('logistic-regression', logisticRegression);
  },
});

export default breastCancerPlugin;
