import { integerForward, integerInputs, type IntegerPlan } from '@machop/graph/integer';
import type { DesignRecord } from './emit.js';
import type { SimulationResult } from './simulate.js';

/** The first value the hardware got wrong. */
export interface Mismatch {
  /** Row of the simulated rows (0-based). */
  row: number;
  /** The graph node whose stage differs first, and the stage kind. */
  node: string;
  kind: string;
  /** The wire index (`t<wire>`). */
  wire: number;
  expected: number[];
  actual: number[] | undefined;
}

/** The reference's value of every wire on `rows` rows of scaled features. */
export function referenceTrace(
  plan: IntegerPlan,
  x: Float32Array,
  rows: number,
): { inputs: Float64Array; wires: Map<number, Float64Array> } {
  const wires = new Map<number, Float64Array>();
  integerForward(plan, x, rows, {
    onStage: (index, _stage, output) => wires.set(index + 1, output),
  });
  return { inputs: integerInputs(plan, x, rows), wires };
}

/**
 * Compare every wire of a simulation with the reference, row by row: the first row with any
 * difference, and in it the earliest stage that differs, or undefined when all are bit-exact.
 */
export function firstMismatch(
  record: DesignRecord,
  reference: Map<number, Float64Array>,
  result: SimulationResult,
): Mismatch | undefined {
  const wires = record.tensors.slice(1);
  for (let row = 0; row < result.rows; row++)
    for (const wire of wires) {
      const size = wire.size;
      const expected = Array.from(
        reference.get(wire.index)!.subarray(row * size, (row + 1) * size),
      );
      const simulated = result.trace.get(wire.index);
      const actual =
        simulated && simulated.length >= (row + 1) * size
          ? Array.from(simulated.subarray(row * size, (row + 1) * size))
          : undefined;
      if (!actual || actual.some((value, index) => value !== expected[index]))
        return { row, node: wire.node, kind: wire.kind, wire: wire.index, expected, actual };
    }
  return undefined;
}
