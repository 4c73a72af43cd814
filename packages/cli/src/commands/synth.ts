import path from 'node:path';
import { ConfigError } from '@machop/core/base';
import { synthesize, synthFile, type SynthTarget } from '@machop/hardware';
import type { CommandBody } from '../command.js';
import { readDesign, toolError } from './simulate.js';

/** `ch synth DIR`: Yosys's resource figures of an emitted design. */
export const synthCommand: CommandBody = {
  details:
    "Synthesizes a folder written by ch emit with Yosys (Debian's yosys package) and reports LUTs, flip-flops, DSPs and the longest path in logic levels, read from Yosys's own stat and ltp output: generic maps to 6-input LUTs (synth -lut 6), xilinx runs synth_xilinx for 7-series parts. Writes synth-<target>.json into DIR.",
  flags: [
    {
      name: 'target',
      type: 'string',
      choices: ['generic', 'xilinx'],
      default: 'generic',
      description: 'Yosys flow: 6-input LUTs, or Xilinx 7-series cells',
    },
  ],
  async run(context) {
    const { io, args } = context;
    if (args.positionals.length !== 1)
      throw new ConfigError('ch synth needs one folder: ch synth DIR (written by ch emit)');
    const dir = path.resolve(io.cwd, args.positionals[0]);
    await readDesign(dir);
    const target = (args.flags.get('target') as SynthTarget | undefined) ?? 'generic';
    const report = await synthesize(dir, target).catch((error: unknown) => {
      throw toolError(error);
    });
    if (context.json) {
      io.stdout.write(JSON.stringify(report, null, 2) + '\n');
      return 0;
    }
    const rows: [string, string][] = [
      ['LUTs', String(report.luts)],
      ['flip-flops', String(report.flipFlops)],
      ['DSPs', String(report.dsps)],
      ['logic levels', String(report.logicLevels)],
      ['yosys seconds', report.seconds.toFixed(1)],
    ];
    const width = Math.max(...rows.map(([name]) => name.length));
    io.stdout.write(
      `${report.top} (${target}, Yosys ${report.yosys}):\n` +
        rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}\n`).join('') +
        `written: ${path.join(dir, synthFile(target))}\n`,
    );
    return 0;
  },
};
