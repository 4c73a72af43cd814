/**
 * The engine contract lives in core (`@machop/core`'s `Engine`, with its value types), where
 * every engine, built in or a plugin's, finds it; these names stay exported here for code that
 * imported them from the trainer.
 */
export type { Engine, NamedWeight, StepResult, TrainTotals } from '@machop/core';
