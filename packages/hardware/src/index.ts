/**
 * @machop/hardware: fixed-point hardware from a transformed Machop.ts graph. `emit` writes
 * synthesizable Verilog-2005 of an integer plan (`integerPlan` of @machop/graph), `simulate`
 * runs its testbench with Icarus Verilog or Verilator, `firstMismatch` compares every stage with
 * the integer reference, and `synthesize` measures it with Yosys. No tfjs.
 *
 * @packageDocumentation
 */
export {
  emit,
  DESIGN_FILES,
  type EmitOptions,
  type EmittedDesign,
  type DesignRecord,
  type DesignTensor,
} from './emit.js';
export {
  denseSchedule,
  timingOf,
  type DenseSchedule,
  type LayerTiming,
  type Timing,
} from './schedule.js';
export { simulate, SIMULATION_DIR, type Simulator, type SimulationResult } from './simulate.js';
export { firstMismatch, referenceTrace, type Mismatch } from './compare.js';
export { ToolMissingError, ToolFailedError, DEBIAN_PACKAGES } from './tools.js';
export {
  synthesize,
  synthesizeSources,
  synthScript,
  synthFile,
  parseStat,
  parseLongestPath,
  resourcesOf,
  luts,
  type SynthTarget,
  type SynthReport,
} from './synth.js';
