import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, writeDirAtomic } from '@machop/core/base';
import { DESIGN_FILES, emit } from '@machop/hardware';
import type { CommandBody } from '../command.js';
import { readRunGraph, runPlan } from '../run-graph.js';

/** `ch emit --load RUN --out DIR`: a transformed run as synthesizable Verilog. */
export const emitCommand: CommandBody = {
  details:
    "Writes the transformed run's integer arithmetic (the one ch predict --integer computes) as Verilog-2005: layers.v (a module per dense layer, weights as constants, a MULTIPLIERS parameter), machop_top.v (valid/ready handshakes), machop_testbench.v (reads input vectors from a file, writes outputs), report.md (latency in cycles) and design.json. Batch norm becomes a fixed-point affine (16-bit scale); the input is quantized at the first data_in precision.\n\nDIR is replaced whole, and only if it is empty or an earlier ch emit's folder.",
  flags: [
    {
      name: 'load',
      type: 'string',
      value: 'RUN',
      description: 'a transformed run (from ch transform) or its checkpoint folder',
    },
    { name: 'out', type: 'string', value: 'DIR', description: 'the folder to write the design to' },
    {
      name: 'multipliers',
      type: 'integer',
      min: 1,
      value: 'N',
      description: 'multipliers per dense layer, at most (default: one per weight)',
    },
  ],
  async run(context) {
    const { io, args, registry } = context;
    if (args.positionals.length > 0)
      throw new ConfigError(
        `ch emit takes no words besides flags, got: ${args.positionals.join(' ')}; pass --load RUN --out DIR`,
      );
    const load = args.flags.get('load') as string | undefined;
    const out = args.flags.get('out') as string | undefined;
    if (load === undefined)
      throw new ConfigError('ch emit needs --load RUN: a transformed run (from ch transform)');
    if (out === undefined)
      throw new ConfigError('ch emit needs --out DIR: where to write the design');
    const dir = path.resolve(io.cwd, out);
    if (
      existsSync(dir) &&
      readdirSync(dir).length > 0 &&
      !existsSync(path.join(dir, DESIGN_FILES.record))
    )
      throw new ConfigError(
        `--out ${dir} holds files that ch emit did not write; pass an empty or new folder`,
      );
    const run = await readRunGraph(path.resolve(io.cwd, load), registry);
    const plan = runPlan(run);
    const design = emit(plan, {
      multipliers: args.flags.get('multipliers') as number | undefined,
      source: run.runDir ?? run.checkpointDir,
    });
    await writeDirAtomic(dir, async (temp) => {
      for (const [name, text] of Object.entries(design.files))
        await writeFile(path.join(temp, name), text);
    });
    const { timing } = design.record;
    io.stdout.write(
      `wrote ${dir}: ${timing.layers.length} dense layer${timing.layers.length === 1 ? '' : 's'}, latency ${timing.latency} cycles, a new input every ${timing.initiationInterval}\n` +
        `simulate it: ch simulate ${dir}\nsynthesize it: ch synth ${dir}\n`,
    );
    return 0;
  },
};
