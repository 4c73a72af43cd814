import { DatasetError, type Scaler, type Split } from '@machop/core/base';

/**
 * Fit a standard scaler on `split` like scikit-learn's `StandardScaler`: the mean and the
 * population standard deviation of each column, in double precision. A constant column gets
 * scale 1, so it maps to 0 instead of dividing by zero.
 */
export function fitScaler(split: Split, features: number): Scaler {
  if (split.size === 0)
    throw new DatasetError(
      'cannot fit the feature scaler: the training split is empty; lower --test-fraction or --val-fraction, or use more data',
    );
  const sums = new Float64Array(features);
  for (let row = 0; row < split.size; row++) {
    const base = row * features;
    for (let feature = 0; feature < features; feature++) sums[feature] += split.x[base + feature];
  }
  const mean = Array.from(sums, (sum) => sum / split.size);
  // Two passes (mean first) keep the variance accurate for columns with a large offset.
  const squares = new Float64Array(features);
  for (let row = 0; row < split.size; row++) {
    const base = row * features;
    for (let feature = 0; feature < features; feature++) {
      const deviation = split.x[base + feature] - mean[feature];
      squares[feature] += deviation * deviation;
    }
  }
  const scale = Array.from(squares, (square) => {
    const deviation = Math.sqrt(square / split.size);
    return deviation > 0 && Number.isFinite(deviation) ? deviation : 1;
  });
  return { mean, scale };
}

/** Check that a scaler (for example one saved by an earlier run) fits `features` columns. */
export function checkScaler(scaler: Scaler, features: number): void {
  const valid = (values: unknown, positive: boolean) =>
    Array.isArray(values) &&
    values.length === features &&
    values.every(
      (value) => typeof value === 'number' && Number.isFinite(value) && (!positive || value > 0),
    );
  if (!valid(scaler.mean, false) || !valid(scaler.scale, true)) {
    throw new DatasetError(
      `the given scaler does not fit this data: it needs ${features} finite means and ${features} positive scales; was it saved for another data set?`,
      { code: 'E_SCALER_MISMATCH' },
    );
  }
}

/** Apply `x' = (x - mean) / scale` to every row of `split`, in place. */
export function applyScaler(split: Split, scaler: Scaler): void {
  const features = scaler.mean.length;
  const mean = Float64Array.from(scaler.mean);
  const scale = Float64Array.from(scaler.scale);
  for (let row = 0; row < split.size; row++) {
    const base = row * features;
    for (let feature = 0; feature < features; feature++)
      split.x[base + feature] = (split.x[base + feature] - mean[feature]) / scale[feature];
  }
}
