import type { LayerSpec } from '@machop/core/base';
import { batchNorm, dense, relu } from '../layer-specs.js';
import type { LayerListContext } from '../sequential-entry.js';

/** MASE's JSC-Tiny: BN, ReLU, Linear(features→classes), ReLU. */
export function jscTinyLayers({ classes }: LayerListContext): LayerSpec[] {
  return [batchNorm(), relu(), dense(classes), relu()];
}
