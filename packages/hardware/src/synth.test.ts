import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLongestPath, parseStat, resourcesOf, synthesizeSources } from './index.js';

// Designs small enough to count by hand, through Debian's real Yosys.
const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function synthesized(verilog: string, top: string, target: 'generic' | 'xilinx' = 'generic') {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'machop-synth-'));
  folders.push(dir);
  await writeFile(path.join(dir, 'design.v'), verilog);
  return synthesizeSources(dir, ['design.v'], top, target);
}

describe('synthesizeSources', () => {
  it("counts a 2-bit adder's three LUTs (one per sum bit, each of at most 4 inputs), one level deep", async () => {
    const report = await synthesized(
      'module add(input [1:0] a, input [1:0] b, output [2:0] y);\n  assign y = a + b;\nendmodule\n',
      'add',
    );
    expect(report).toMatchObject({ luts: 3, flipFlops: 0, dsps: 0, logicLevels: 1 });
    expect(report.cells).toEqual({ $lut: 3 });
  }, 120_000);

  it('counts the flip-flops of a registered adder', async () => {
    const report = await synthesized(
      'module add(input clk, input [1:0] a, input [1:0] b, output reg [2:0] y);\n  always @(posedge clk) y <= a + b;\nendmodule\n',
      'add',
    );
    expect(report).toMatchObject({ luts: 3, flipFlops: 3, dsps: 0 });
  }, 120_000);

  it("maps a 16 x 16 multiplier to one DSP on Xilinx's flow", async () => {
    const report = await synthesized(
      'module mul(input signed [15:0] a, input signed [15:0] b, output signed [31:0] y);\n  assign y = a * b;\nendmodule\n',
      'mul',
      'xilinx',
    );
    expect(report.dsps).toBe(1);
  }, 300_000);
});

describe('the parsers of Yosys output', () => {
  const log = `
=== add ===
   Number of wires:                  5
   Number of cells:                  4
     $_SDFF_PP0_                     1
     $lut                            3

5. Executing LTP pass (find longest path).
Longest topological path in add (length=2):
`;
  it('read the last stat block and the longest path', () => {
    const cells = parseStat(log);
    expect(cells).toEqual({ $_SDFF_PP0_: 1, $lut: 3 });
    expect(resourcesOf(cells)).toEqual({ luts: 3, flipFlops: 1, dsps: 0 });
    expect(parseLongestPath(log)).toBe(2);
  });
  it("count Xilinx's cells by kind", () => {
    expect(resourcesOf({ LUT6: 4, LUT2: 1, FDRE: 7, DSP48E1: 2, CARRY4: 3 })).toEqual({
      luts: 5,
      flipFlops: 7,
      dsps: 2,
    });
  });
});
