import type { LayerSpec } from '@machop/core/base';
import { batchNorm, dense, relu } from '../layer-specs.js';
import type { LayerListContext } from '../sequential-entry.js';

/**
 * MASE's JSC-Three-Linear-Layers: three Linear layers with nothing between them (hidden width 16,
 * which on JSC equals the input width), so without its final ReLU it would be one linear map.
 */
export function jscThreeLinearLayers({ classes }: LayerListContext): LayerSpec[] {
  return [batchNorm(), relu(), dense(16), dense(16), dense(classes), relu()];
}
