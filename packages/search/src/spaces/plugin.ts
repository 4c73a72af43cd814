import { definePlugin, PLUGIN_API_VERSION } from '@machop/core/base';
import { mixedPrecisionSpace } from './mixed-precision.js';

/** MASE's name of the mixed-precision post-training quantization space. */
export const MIXED_PRECISION_PTQ = 'graph/quantize/mixed_precision_ptq';

/**
 * The built-in search spaces, registered through the public plugin API as a plugin's would be:
 * after `loadPlugins([searchSpacesPlugin])`, `getRegistry().searchSpaces.get(MIXED_PRECISION_PTQ)`.
 */
export const searchSpacesPlugin = definePlugin({
  name: '@machop/search/spaces',
  apiVersion: PLUGIN_API_VERSION,
  setup(registry) {
    registry.searchSpaces.add(MIXED_PRECISION_PTQ, mixedPrecisionSpace);
  },
});
