import type { LayerSpec } from '@machop/core/base';
import { batchNorm, dense, dropout, relu } from '../layer-specs.js';
import type { LayerListContext } from '../sequential-entry.js';

/** The JSC-Custom model of the MASE labs: hidden widths 32, 16 with batch norm and dropout 0.2. */
export function jscCustomLayers({ classes }: LayerListContext): LayerSpec[] {
  return [
    batchNorm(),
    relu(),
    dense(32),
    batchNorm(),
    relu(),
    dropout(0.2),
    dense(16),
    batchNorm(),
    relu(),
    dropout(0.2),
    dense(classes),
    batchNorm(),
    relu(),
  ];
}
