import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '@machop/core/base';
import type { IntegerPlan } from '@machop/graph/integer';
import { DESIGN_FILES, emit, type DesignRecord, type EmitOptions } from './emit.js';
import { runTool } from './tools.js';

/** Yosys flows: generic 6-input LUTs (`synth -lut 6`), or Xilinx 7-series (`synth_xilinx`). */
export type SynthTarget = 'generic' | 'xilinx';

/** What Yosys's `stat` and `ltp` report of a design, and how long it took. */
export interface SynthReport {
  target: SynthTarget;
  top: string;
  luts: number;
  flipFlops: number;
  dsps: number;
  /** Cells on the longest combinational path (`ltp -noff`): logic levels. */
  logicLevels: number;
  /** Every cell type `stat` counted. */
  cells: Record<string, number>;
  seconds: number;
  yosys: string;
}

/** The Yosys script of a target for `sources` with top module `top`. */
export function synthScript(sources: readonly string[], top: string, target: SynthTarget): string {
  const read = sources.map((file) => `read_verilog ${file}`).join('\n');
  const synth =
    target === 'xilinx'
      ? `synth_xilinx -top ${top} -flatten -family xc7`
      : `synth -top ${top} -flatten -lut 6`;
  return `${read}\n${synth}\nopt_clean -purge\nstat\nltp -noff\n`;
}

/** The cell counts of the last `stat` block in Yosys's log. */
export function parseStat(log: string): Record<string, number> {
  const start = log.lastIndexOf('Number of cells:');
  if (start < 0) throw new Error('yosys printed no stat report (no "Number of cells:")');
  const cells: Record<string, number> = {};
  for (const line of log.slice(start).split('\n').slice(1)) {
    const match = /^\s+(\S+)\s+(\d+)\s*$/.exec(line);
    if (match) cells[match[1]] = Number(match[2]);
    else if (line.trim() !== '') break;
  }
  return cells;
}

/** The length of the longest topological path `ltp` reported. */
export function parseLongestPath(log: string): number {
  const match = /Longest topological path in \S+ \(length=(\d+)\)/.exec(log);
  if (!match) throw new Error('yosys printed no longest path (ltp)');
  return Number(match[1]);
}

/** LUTs, flip-flops and DSPs from `stat`'s cell counts, by the cell names of each flow. */
export function resourcesOf(cells: Record<string, number>): {
  luts: number;
  flipFlops: number;
  dsps: number;
} {
  let luts = 0;
  let flipFlops = 0;
  let dsps = 0;
  for (const [cell, count] of Object.entries(cells)) {
    if (cell === '$lut' || /^LUT[1-6]$/.test(cell)) luts += count;
    else if (/DFF/.test(cell) || /^FD[RSCP]E$/.test(cell)) flipFlops += count;
    else if (/^DSP/.test(cell)) dsps += count;
  }
  return { luts, flipFlops, dsps };
}

/**
 * Synthesize `sources` (Verilog files, relative to `dir`) with Debian's Yosys and read its own
 * `stat` and `ltp` reports. Throws `ToolMissingError` naming the package when Yosys is missing.
 */
export async function synthesizeSources(
  dir: string,
  sources: readonly string[],
  top: string,
  target: SynthTarget = 'generic',
): Promise<SynthReport> {
  const script = path.join(dir, `synth-${target}.ys`);
  await writeFile(script, synthScript(sources, top, target));
  const start = performance.now();
  await runTool('yosys', ['-q', '-l', `synth-${target}.log`, path.basename(script)], dir);
  const seconds = (performance.now() - start) / 1000;
  const log = await readFile(path.join(dir, `synth-${target}.log`), 'utf8');
  const cells = parseStat(log);
  const version = /Yosys (\d+\.\d+\S*)/.exec(log)?.[1] ?? 'unknown';
  return {
    target,
    top,
    ...resourcesOf(cells),
    logicLevels: parseLongestPath(log),
    cells,
    seconds,
    yosys: version,
  };
}

/** The JSON file `synthesize` writes into the design folder, per target. */
export const synthFile = (target: SynthTarget) => `synth-${target}.json`;

/**
 * Synthesize an emitted design folder (its design.json names the sources and top) and write the
 * report as `synth-<target>.json` in it, atomically.
 */
export async function synthesize(
  dir: string,
  target: SynthTarget = 'generic',
): Promise<SynthReport> {
  const record = JSON.parse(
    await readFile(path.join(dir, DESIGN_FILES.record), 'utf8'),
  ) as DesignRecord;
  const report = await synthesizeSources(dir, record.sources, record.top, target);
  await writeFileAtomic(path.join(dir, synthFile(target)), JSON.stringify(report, null, 2) + '\n');
  return report;
}

/**
 * A hardware metric for a search: the LUTs Yosys maps `plan`'s design to (emitted with
 * `options`, in a temporary folder removed afterwards). Lower is better. Takes seconds to
 * minutes (Yosys); needs Debian's `yosys`.
 *
 * @example
 * const cost = await luts(integerPlan(graph, weights), { multipliers: 16 });
 */
export async function luts(
  plan: IntegerPlan,
  options: EmitOptions & { target?: SynthTarget } = {},
): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'machop-luts-'));
  try {
    const design = emit(plan, options);
    for (const file of design.record.sources)
      await writeFile(path.join(dir, file), design.files[file]);
    return (await synthesizeSources(dir, design.record.sources, design.record.top, options.target))
      .luts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
