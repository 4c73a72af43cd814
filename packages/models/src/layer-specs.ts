import type { LayerSpec } from '@machop/core/base';

// Short constructors so that layer lists read like the PyTorch listings they transcribe.

/** `nn.BatchNorm1d` over the current width. */
export const batchNorm = (): LayerSpec => ({ type: 'batchNorm' });

/** `nn.ReLU`. */
export const relu = (): LayerSpec => ({ type: 'activation', activation: 'relu' });

/** `nn.Linear(current width → units)`. */
export const dense = (units: number): LayerSpec => ({ type: 'dense', units });

/** `nn.Dropout(rate)`. */
export const dropout = (rate: number): LayerSpec => ({ type: 'dropout', rate });
