import { ConfigError, createRandom, mixSeed, type SplitOptions } from '@machop/core/base';

/** Row indices of each split. */
export interface SplitIndices {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

// Separates the split shuffle's random stream from any other use of the same seed.
const SPLIT_STREAM = 0x5eed5;

/** Check that split options describe a usable split; throws a `ConfigError` naming the flag. */
export function checkSplitOptions(split: SplitOptions): void {
  if (!Number.isInteger(split.seed))
    throw new ConfigError(`--split-seed must be an integer, got ${split.seed}`);
  if (!(split.testFraction >= 0 && split.testFraction < 1)) {
    throw new ConfigError(
      `--test-fraction must be at least 0 and below 1, got ${split.testFraction}`,
    );
  }
  if (!(split.valFraction >= 0 && split.valFraction < 1)) {
    throw new ConfigError(
      `--val-fraction must be at least 0 and below 1, got ${split.valFraction}`,
    );
  }
}

/**
 * Assign rows to test, validation and train with a seeded shuffle. As in scikit-learn's
 * `train_test_split`, the held-out sizes round up: test gets `ceil(rows * testFraction)` rows,
 * validation `ceil(rest * valFraction)` of the rest, and train keeps what remains. Each split
 * lists its rows in shuffled order.
 */
export function splitRows(rows: Int32Array, split: SplitOptions): SplitIndices {
  checkSplitOptions(split);
  const order = Int32Array.from(rows);
  const random = createRandom(mixSeed(split.seed, SPLIT_STREAM));
  for (let index = order.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    const value = order[index];
    order[index] = order[other];
    order[other] = value;
  }
  const testSize = Math.ceil(order.length * split.testFraction);
  const validationSize = Math.ceil((order.length - testSize) * split.valFraction);
  return {
    test: order.subarray(0, testSize),
    validation: order.subarray(testSize, testSize + validationSize),
    train: order.subarray(testSize + validationSize),
  };
}
