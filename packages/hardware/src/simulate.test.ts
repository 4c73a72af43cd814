import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { graphOf, integerPlan, weightsByName } from '@machop/graph';
import { readQuantFixture } from '@machop/graph/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { emit, firstMismatch, referenceTrace, simulate, type Simulator } from './index.js';

// Real simulators on the PyTorch fixture's jsc-custom (dense, batch norm, ReLU, dropout) with
// random rows: every stage of the hardware must equal the integer reference bit for bit.
const fixture = readQuantFixture();
const custom = fixture.models[1];
const shape = { features: fixture.features, classes: fixture.classes };
const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function emitted(config: number, multipliers?: number) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'machop-hardware-'));
  folders.push(dir);
  const plan = integerPlan(
    graphOf(custom.cases[config].layers, shape),
    weightsByName(custom.weights),
  );
  const design = emit(plan, { multipliers });
  for (const [name, text] of Object.entries(design.files))
    await writeFile(path.join(dir, name), text);
  return { dir, plan, design };
}

/** Rows spread over (and past) the input range, seeded. */
function rowsOf(rows: number): Float32Array {
  let state = 12345;
  return Float32Array.from({ length: rows * fixture.features }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31 - 0.5) * 12;
  });
}

// Verilator compiles for a minute or two per design: it checks one schedule, Icarus all three.
describe.each([
  ['iverilog', [undefined, 7, 1]],
  ['verilator', [7]],
] as [Simulator, (number | undefined)[]][])('simulate with %s', (simulator, schedules) => {
  it.each(schedules.map((multipliers) => [multipliers]))(
    'is bit-exact at every stage with %s multipliers per layer, at the reported latency',
    async (multipliers) => {
      const { dir, plan, design } = await emitted(1, multipliers);
      // One multiplier takes ~1,100 cycles a row: fewer rows keep Icarus under a minute.
      const rows = multipliers === 1 ? 40 : simulator === 'verilator' ? 50 : 200;
      const x = rowsOf(rows);
      const reference = referenceTrace(plan, x, rows);
      const result = await simulate(dir, design.record, reference.inputs, rows, simulator);
      console.log(
        simulator,
        multipliers,
        result.compileSeconds,
        result.runSeconds,
        JSON.stringify(firstMismatch(design.record, reference.wires, result)),
      );
      expect(firstMismatch(design.record, reference.wires, result)).toBeUndefined();
      expect(Array.from(result.outputs)).toEqual(
        Array.from(reference.wires.get(plan.stages.length)!),
      );
      expect(result.latency).toBe(design.record.timing.latency);
    },
    600_000,
  );
});

describe('a wrong weight', () => {
  it('is caught at its row and layer', async () => {
    const { dir, plan, design } = await emitted(0);
    const file = path.join(dir, 'layers.v');
    const text = await readFile(file, 'utf8');
    // Flip the lowest bit of the first layer's packed weights (unit 0, input 0).
    const edited = text.replace(
      /WEIGHTS = (\d+)'h([0-9a-f]+);/,
      (_all, bits: string, hex: string) => {
        const last = (parseInt(hex.slice(-1), 16) ^ 1).toString(16);
        return `WEIGHTS = ${bits}'h${hex.slice(0, -1)}${last};`;
      },
    );
    expect(edited).not.toBe(text);
    await writeFile(file, edited);
    const rows = 100;
    const x = rowsOf(rows);
    const reference = referenceTrace(plan, x, rows);
    const result = await simulate(dir, design.record, reference.inputs, rows);
    const mismatch = firstMismatch(design.record, reference.wires, result);
    expect(mismatch).toMatchObject({ node: 'seq_blocks_2', kind: 'dense' });
    expect(mismatch!.actual![0] - mismatch!.expected[0]).not.toBe(0);
  }, 600_000);
});
