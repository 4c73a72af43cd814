/**
 * The engine contract's value types, from core (where every engine finds them); `NamedArray` is
 * this package's older name for core's `NamedWeight`.
 */
export type {
  NamedWeight as NamedArray,
  OptimizerKind,
  OptimizerSettings,
  OptimizerState,
  StepResult,
  TrainTotals,
} from '@machop/core';
