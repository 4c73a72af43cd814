import type { LayerSpec } from '@machop/core/base';
import { batchNorm, dense, relu } from '../layer-specs.js';
import type { LayerListContext } from '../sequential-entry.js';

/** MASE's JSC-Toy: three LogicNets-style blocks of Linear, BN, ReLU with 8 hidden units. */
export function jscToyLayers({ classes }: LayerListContext): LayerSpec[] {
  return [
    batchNorm(),
    relu(),
    dense(8),
    batchNorm(),
    relu(),
    dense(8),
    batchNorm(),
    relu(),
    dense(classes),
    batchNorm(),
    relu(),
  ];
}
