import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, defaultCacheDir, resolveEntryOptions } from '@machop/core/base';
import {
  DESIGN_FILES,
  firstMismatch,
  referenceTrace,
  simulate,
  ToolFailedError,
  ToolMissingError,
  type DesignRecord,
  type Simulator,
} from '@machop/hardware';
import type { CommandBody } from '../command.js';
import { stderrReporter } from '../reporter.js';
import { readRunGraph, runPlan } from '../run-graph.js';

/** design.json of an emitted folder, or a one-line error saying what to pass. */
export async function readDesign(dir: string): Promise<DesignRecord> {
  try {
    const record = JSON.parse(
      await readFile(path.join(dir, DESIGN_FILES.record), 'utf8'),
    ) as DesignRecord;
    if (record.format !== 'machop-hardware') throw new Error('not a design');
    return record;
  } catch (error) {
    throw new ConfigError(
      `${dir} is not a folder written by ch emit (no readable ${DESIGN_FILES.record}); run ch emit --load RUN --out ${dir}`,
      { cause: error },
    );
  }
}

/** A missing or failing tool as one line. */
export function toolError(error: unknown): unknown {
  if (error instanceof ToolMissingError || error instanceof ToolFailedError)
    return new ConfigError(error.message, { cause: error });
  return error;
}

/** `ch simulate DIR`: the emitted design against the integer reference on the test split. */
export const simulateCommand: CommandBody = {
  details:
    "Runs the testbench of a folder written by ch emit on the first N rows of its run's test split (scaled with the run's scaler, quantized as the hardware's input) and compares every stage's output, row by row, with the integer reference (ch predict --integer's arithmetic). Exits 0 when all are bit-exact; otherwise names the first row, layer and values that differ and exits 1. Needs Debian's iverilog or verilator.",
  flags: [
    {
      name: 'vectors',
      type: 'integer',
      min: 1,
      value: 'N',
      default: 1000,
      description: 'test rows to simulate (default 1000; at most the test split)',
    },
    {
      name: 'simulator',
      type: 'string',
      choices: ['iverilog', 'verilator'],
      default: 'iverilog',
      description: 'Icarus Verilog (starts fast) or Verilator (compiles slowly, runs fast)',
    },
  ],
  async run(context) {
    const { io, args, registry } = context;
    if (args.positionals.length !== 1)
      throw new ConfigError('ch simulate needs one folder: ch simulate DIR (written by ch emit)');
    const dir = path.resolve(io.cwd, args.positionals[0]);
    const record = await readDesign(dir);
    if (record.source === undefined)
      throw new ConfigError(
        `${dir}/${DESIGN_FILES.record} names no run; emit it again with ch emit`,
      );
    const run = await readRunGraph(record.source, registry);
    const plan = runPlan(run, 'the run of');
    const entry = registry.datasets.get(run.record.dataset);
    const reporter = stderrReporter(io, context.json);
    const data = await entry.load({
      options: resolveEntryOptions('dataset', entry, run.record.datasetOptions),
      split: run.record.split,
      scaler: run.record.scaler,
      cacheDir: defaultCacheDir(io.env),
      reporter,
    });
    const rows = Math.min(
      (args.flags.get('vectors') as number | undefined) ?? 1000,
      data.test.size,
    );
    const x = data.test.x.subarray(0, rows * data.features);
    const reference = referenceTrace(plan, x, rows);
    const simulator = (args.flags.get('simulator') as Simulator | undefined) ?? 'iverilog';
    const result = await simulate(dir, record, reference.inputs, rows, simulator).catch(
      (error: unknown) => {
        throw toolError(error);
      },
    );
    const mismatch = firstMismatch(record, reference.wires, result);
    const summary = {
      simulator,
      rows,
      bitExact: mismatch === undefined,
      latency: result.latency,
      reportedLatency: record.timing.latency,
      compileSeconds: Number(result.compileSeconds.toFixed(2)),
      runSeconds: Number(result.runSeconds.toFixed(2)),
      ...(mismatch ? { mismatch } : {}),
    };
    if (context.json) io.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    if (mismatch) {
      const got = mismatch.actual ? `[${mismatch.actual.join(', ')}]` : 'no value';
      io.stderr.write(
        `error: row ${mismatch.row} differs first at layer ${mismatch.node} (${mismatch.kind}, wire t${mismatch.wire}): expected [${mismatch.expected.join(', ')}], the hardware gave ${got}\n`,
      );
      return 1;
    }
    if (!context.json)
      io.stdout.write(
        `bit-exact: ${rows} test rows, every stage equal to the integer reference (${simulator}: compile ${summary.compileSeconds} s, run ${summary.runSeconds} s; latency ${result.latency} cycles, reported ${record.timing.latency})\n`,
      );
    return 0;
  },
};
