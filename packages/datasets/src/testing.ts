/**
 * @machop/datasets/testing: the test stand-ins for the JSC data set, written once for every
 * package and app that needs them: SYNTHETIC JSC-shaped rows in OpenML's ARFF layout, and a
 * loopback server that answers OpenML's description API and serves such a file, so that no test
 * reaches the internet.
 *
 * @example
 * ```ts
 * import { OpenmlServer, syntheticJscArff } from '@machop/datasets/testing';
 * const server = await new OpenmlServer(syntheticJscArff({ rows: 1500, seed: 1 })).start();
 * process.env.MACHOP_OPENML_URL = server.url;
 * // ... train on `jsc`, then:
 * await server.stop();
 * ```
 *
 * @packageDocumentation
 */
export { OpenmlServer, type ArffMode } from './test-support/openml-server.js';
export {
  OPENML_CLASS_ORDER,
  syntheticJscArff,
  syntheticJscHeader,
  syntheticJscLines,
  syntheticJscRows,
  type SyntheticArffOptions,
  type SyntheticHeaderOptions,
} from './test-support/synthetic-jsc.js';
