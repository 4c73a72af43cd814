import type { DenseStage, IntegerPlan } from '@machop/graph/integer';

/**
 * How a dense layer spends its multipliers, exactly as the emitted module's localparams compute
 * it from its `MULTIPLIERS` parameter: with fewer multipliers than inputs, one unit at a time
 * over several steps; with more, several whole units at a time.
 */
export interface DenseSchedule {
  /** Multipliers asked for (at least 1, at most inputs * units). */
  multipliers: number;
  /** Multipliers the module builds: `inputsPerStep * unitsPerStep`. */
  used: number;
  inputsPerStep: number;
  unitsPerStep: number;
  /** Clock cycles of arithmetic per vector: `ceil(inputs / inputsPerStep) * ceil(units / unitsPerStep)`. */
  steps: number;
}

/** The schedule of a `inputs x units` dense layer given `multipliers`. */
export function denseSchedule(inputs: number, units: number, multipliers: number): DenseSchedule {
  const lanes = Math.max(1, Math.min(Math.floor(multipliers), inputs * units));
  const inputsPerStep = lanes < inputs ? lanes : inputs;
  const unitsPerStep = lanes < inputs ? 1 : Math.min(units, Math.floor(lanes / inputs));
  const steps = Math.ceil(inputs / inputsPerStep) * Math.ceil(units / unitsPerStep);
  return {
    multipliers: lanes,
    used: inputsPerStep * unitsPerStep,
    inputsPerStep,
    unitsPerStep,
    steps,
  };
}

/** A dense layer's node and its schedule. */
export interface LayerTiming {
  node: string;
  inputs: number;
  units: number;
  schedule: DenseSchedule;
}

/**
 * Timing of the whole design: each dense layer takes a vector in one cycle and computes for
 * `steps` cycles, and the layers form a pipeline (the element-wise stages between them are
 * combinational), so the first output comes `sum(steps + 1)` cycles after the first input is
 * taken, and a new vector can enter every `max(steps + 1)` cycles.
 */
export interface Timing {
  layers: LayerTiming[];
  /** Cycles from the input handshake to the output being valid. */
  latency: number;
  /** Cycles between accepted inputs at full rate. */
  initiationInterval: number;
}

/** The timing of `plan` with `multipliers(stage)` multipliers per dense layer. */
export function timingOf(plan: IntegerPlan, multipliers: (stage: DenseStage) => number): Timing {
  const layers = plan.stages
    .filter((stage): stage is DenseStage => stage.kind === 'dense')
    .map((stage) => ({
      node: stage.node,
      inputs: stage.inputs,
      units: stage.units,
      schedule: denseSchedule(stage.inputs, stage.units, multipliers(stage)),
    }));
  return {
    layers,
    latency: layers.reduce((sum, layer) => sum + layer.schedule.steps + 1, 0),
    initiationInterval: Math.max(1, ...layers.map((layer) => layer.schedule.steps + 1)),
  };
}
