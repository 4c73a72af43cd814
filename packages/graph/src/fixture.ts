import { readFileSync } from 'node:fs';
import type { LayerSpec } from '@machop/core/base';

/** A named weight in tfjs' layout (dense kernels `[in, out]`). */
export interface FixtureWeight {
  name: string;
  shape: number[];
  values: number[];
}

/** One quantization of one model: its layers, outputs, loss and STE gradients. */
export interface FixtureCase {
  config: string;
  layers: LayerSpec[];
  trainLogits: number[];
  evalLogits: number[];
  loss: number;
  gradients: { name: string; values: number[] }[];
}

/** The shape of fixtures/quant-fixture.json (written by fixtures/make-quant-fixture.py). */
export interface QuantFixture {
  features: number;
  classes: number;
  rows: number;
  /** The dropout masks' seed and step (the trainer's step seed: `mixSeed(seed, step)`). */
  dropout: { seed: number; step: number };
  x: number[];
  y: number[];
  quantizer: {
    width: number;
    frac: number | 'NA';
    floor?: boolean;
    unsigned?: boolean;
    values: number[];
    expected: number[];
  }[];
  models: {
    model: string;
    floatLayers: LayerSpec[];
    weights: FixtureWeight[];
    floatEvalLogits: number[];
    cases: FixtureCase[];
  }[];
}

/**
 * Reads the PyTorch fixture of MASE's quantizer and quantized JSC models, for engines' tests: an
 * engine that replays it (same float weights and rows, the case's `layers`) must give its eval
 * logits, train-mode loss and straight-through gradients.
 */
export function readQuantFixture(): QuantFixture {
  const url = new URL('../fixtures/quant-fixture.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as QuantFixture;
}
