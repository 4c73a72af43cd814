import type { LayerSpec } from '@machop/core/base';
import { batchNorm, dense, relu } from '../layer-specs.js';
import type { LayerListContext } from '../sequential-entry.js';

/** MASE's JSC-S: hidden widths 64, 32, 32, 32, batch norm after the first and last Linear. */
export function jscSLayers({ classes }: LayerListContext): LayerSpec[] {
  return [
    batchNorm(),
    relu(),
    dense(64),
    batchNorm(),
    relu(),
    dense(32),
    relu(),
    dense(32),
    relu(),
    dense(32),
    relu(),
    dense(classes),
    batchNorm(),
    relu(),
  ];
}
