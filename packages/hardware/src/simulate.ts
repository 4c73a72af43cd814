import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DesignRecord } from './emit.js';
import { runTool } from './tools.js';
import { TESTBENCH_FILES } from './verilog/testbench.js';

/** The simulators `simulate` can run. */
export type Simulator = 'iverilog' | 'verilator';

/** What the testbench produced. */
export interface SimulationResult {
  rows: number;
  /** Output integers, `rows * outputs`. */
  outputs: Float64Array;
  /** Per wire index k >= 1, the values `t<k>` carried, row after row. */
  trace: Map<number, Float64Array>;
  /** Cycles from the first input handshake to the first valid output, as measured. */
  latency: number;
  cycles: number;
  compileSeconds: number;
  runSeconds: number;
}

/** The folder inside a design folder where simulations run (made and replaced by `simulate`). */
export const SIMULATION_DIR = 'simulation';

/**
 * Run the design's testbench in `dir` on `rows` rows of input integers (`rows * features`,
 * the `integerInputs` of @machop/graph) with Icarus Verilog or Verilator, in `dir/simulation`.
 * Throws `ToolMissingError` naming the Debian package when the simulator is not installed.
 */
export async function simulate(
  dir: string,
  record: DesignRecord,
  inputs: Float64Array,
  rows: number,
  simulator: Simulator = 'iverilog',
): Promise<SimulationResult> {
  const work = path.join(dir, SIMULATION_DIR);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const { size: features, width } = record.tensors[0];
  // Hexadecimal two's complement: both simulators' $fscanf read %h alike (not so %d of negatives).
  const modulus = 2 ** width;
  const hex = (value: number) => (((value % modulus) + modulus) % modulus).toString(16);
  const lines: string[] = [];
  for (let row = 0; row < rows; row++)
    lines.push(Array.from(inputs.subarray(row * features, (row + 1) * features), hex).join(' '));
  await writeFile(path.join(work, TESTBENCH_FILES.inputs), lines.join('\n') + '\n');
  const sources = [...record.sources, record.testbench].map((file) => path.join(dir, file));
  // Generous: a stalled handshake must end the run, not hang it.
  const maxCycles = (rows + 10) * (record.timing.initiationInterval + record.timing.latency) * 4;
  const plusargs = [`+max_cycles=${maxCycles}`];
  const compileStart = performance.now();
  let run: () => Promise<{ stdout: string }>;
  if (simulator === 'iverilog') {
    await runTool(
      'iverilog',
      [
        '-g2005',
        '-s',
        'machop_testbench',
        `-Pmachop_testbench.ROWS=${rows}`,
        '-o',
        'machop_sim.vvp',
        ...sources,
      ],
      work,
    );
    run = () => runTool('vvp', ['-n', 'machop_sim.vvp', ...plusargs], work);
  } else {
    await runTool(
      'verilator',
      [
        '--binary',
        '--timing',
        '-Wno-fatal',
        '-Wno-lint',
        '-Wno-style',
        `-GROWS=${rows}`,
        '--top-module',
        'machop_testbench',
        '-Mdir',
        'obj_dir',
        '-o',
        'machop_sim',
        '-j',
        '2',
        ...sources,
      ],
      work,
    );
    run = () => runTool(path.join(work, 'obj_dir', 'machop_sim'), plusargs, work);
  }
  const compileSeconds = (performance.now() - compileStart) / 1000;
  const runStart = performance.now();
  const { stdout } = await run();
  const runSeconds = (performance.now() - runStart) / 1000;
  const failure = /^error: .*$/m.exec(stdout);
  if (failure) throw new Error(`the testbench stopped: ${failure[0].slice('error: '.length)}`);
  const timing = await readFile(path.join(work, TESTBENCH_FILES.timing), 'utf8');
  const number = (name: string) => Number(new RegExp(`^${name} (-?\\d+)$`, 'm').exec(timing)?.[1]);
  return {
    rows,
    outputs: parseRows(await readFile(path.join(work, TESTBENCH_FILES.outputs), 'utf8')),
    trace: parseTrace(await readFile(path.join(work, TESTBENCH_FILES.trace), 'utf8')),
    latency: number('latency'),
    cycles: number('cycles'),
    compileSeconds,
    runSeconds,
  };
}

function parseRows(text: string): Float64Array {
  return Float64Array.from(text.split(/\s+/).filter(Boolean), Number);
}

function parseTrace(text: string): Map<number, Float64Array> {
  const lists = new Map<number, number[]>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [index, ...values] = line.split(' ');
    const key = Number(index);
    let list = lists.get(key);
    if (!list) lists.set(key, (list = []));
    for (const value of values) list.push(Number(value));
  }
  return new Map([...lists].map(([key, list]) => [key, Float64Array.from(list)]));
}
