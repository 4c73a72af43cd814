import { definePlugin } from '@machop/core/base';
import { csvEntry } from './csv/entry.js';
import { jscEntry } from './jsc/entry.js';
import { toyEntry } from './toy/entry.js';

/** The built-in data sets `jsc`, `csv` and `toy`, registered through the public plugin API. */
export const datasetsPlugin = definePlugin({
  name: '@machop/datasets',
  apiVersion: 1,
  setup(registry) {
    registry.datasets.add('jsc', jscEntry);
    registry.datasets.add('csv', csvEntry);
    registry.datasets.add('toy', toyEntry);
  },
});
