import type { LayerSpec } from '@machop/core/base';
import { batchNorm, dense, dropout, relu } from '../layer-specs.js';
import type { LayerListContext } from '../sequential-entry.js';

/** MASE's JSC-TRT: hidden widths 32, 48, 16 with batch norm, and dropout 0.5 after the widest. */
export function jscTrtLayers({ classes }: LayerListContext): LayerSpec[] {
  return [
    batchNorm(),
    relu(),
    dense(32),
    batchNorm(),
    relu(),
    dense(48),
    batchNorm(),
    relu(),
    dropout(0.5),
    dense(16),
    batchNorm(),
    relu(),
    dense(classes),
    batchNorm(),
    relu(),
  ];
}
