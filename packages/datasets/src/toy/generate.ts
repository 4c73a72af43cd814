import { createRandom, mixSeed } from '@machop/core/base';
import type { LabelledTable } from '../parse/table.js';

/** Options of {@link generateToy}. */
export interface ToyOptions {
  samples: number;
  features: number;
  classes: number;
  /** Distance scale between class centres, in units of the noise's standard deviation. */
  separation: number;
  seed: number;
}

/**
 * A synthetic classification table (not real data): one Gaussian cluster per class, with centres
 * drawn from the seed and unit noise around them. Row `i` belongs to class `i % classes`.
 */
export function generateToy(options: ToyOptions): LabelledTable {
  const { samples, features, classes, separation } = options;
  const random = createRandom(mixSeed(options.seed, 0x70e));
  // Box-Muller; one normal per call keeps the stream easy to reason about.
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Float64Array.from({ length: classes * features }, () => normal() * separation);
  const x = new Float32Array(samples * features);
  const y = new Int32Array(samples);
  for (let row = 0; row < samples; row++) {
    const label = row % classes;
    y[row] = label;
    for (let feature = 0; feature < features; feature++)
      x[row * features + feature] = centres[label * features + feature] + normal();
  }
  return {
    featureNames: Array.from({ length: features }, (_, index) => `x${index}`),
    classNames: Array.from({ length: classes }, (_, index) => `class_${index}`),
    x,
    y,
    rows: samples,
  };
}
