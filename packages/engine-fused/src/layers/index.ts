import type { LayerSpec } from '@machop/core';
import type { PlannedLayer } from '../plan.js';
import { activation } from './activation.js';
import { batchNorm } from './batch-norm.js';
import { dense } from './dense.js';
import { dropout } from './dropout.js';
import type { LayerKind } from './layer.js';

/** The layer kinds the fused engine runs, by core `LayerSpec` type. */
export const LAYER_KINDS: ReadonlyMap<string, LayerKind> = new Map(
  ([dense, batchNorm, activation, dropout] as LayerKind[]).map((kind) => [kind.type, kind]),
);

/** The kind of a planned layer (every planned layer has one). */
export function kindOf(layer: PlannedLayer): LayerKind {
  return LAYER_KINDS.get(layer.kind)!;
}

/** The kind that runs `spec`, or undefined. */
export function kindFor(spec: LayerSpec): LayerKind | undefined {
  return LAYER_KINDS.get((spec as { type: string }).type);
}
