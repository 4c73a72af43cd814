import { definePlugin, PLUGIN_API_VERSION } from '@machop/core/base';
import { bruteForceEntry } from './brute-force.js';
import { randomEntry } from './random-search.js';
import { nsga2Entry } from './nsga2.js';
import { tpeEntry } from './tpe.js';

/**
 * The built-in search strategies `brute-force`, `random`, `tpe` and `nsga2`, registered through
 * the public plugin API: after `loadPlugins([searchStrategiesPlugin])`,
 * `getRegistry().strategies.get('tpe')` returns TPE's entry.
 */
export const searchStrategiesPlugin = definePlugin({
  name: '@machop/search',
  apiVersion: PLUGIN_API_VERSION,
  setup(registry) {
    registry.strategies.add('brute-force', bruteForceEntry);
    registry.strategies.add('random', randomEntry);
    registry.strategies.add('tpe', tpeEntry);
    registry.strategies.add('nsga2', nsga2Entry);
  },
});
