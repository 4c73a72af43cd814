import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, defaultCacheDir, initBackend, loadPlugins } from '@machop/core';
import {
  graphPassesPlugin,
  quantizeTableCsv,
  readMaseConfig,
  textTable,
  type PassReport,
  type ProfileRow,
  type QuantizeInfo,
} from '@machop/graph';
import { checkPasses, transform } from '@machop/trainer';
import type { CommandBody } from '../command.js';
import { BACKEND_FLAG } from '../flags.js';
import { stderrReporter } from '../reporter.js';

/** Where a setting came from, weakest first: defaults < the config file < flags. */
function pick(
  flag: string | undefined,
  file: string | number | undefined,
  fallback?: string,
): string | undefined {
  if (flag !== undefined) return flag;
  if (file !== undefined) return String(file);
  return fallback;
}

const round = (value: number) => String(Number(value.toPrecision(4)));

/** What a pass reported, as text: its own text, or a table of its rows. */
function reportText(report: PassReport): string {
  if (report.name === 'quantize') return quantizeTableCsv((report.info as QuantizeInfo).table);
  if (report.name === 'profile_statistics') {
    const rows = (report.info as { rows: ProfileRow[] }).rows;
    return textTable(
      ['node', 'argument', 'count', 'min', 'max', 'mean', 'variance', 'range'],
      rows.map((row) => [
        row.node,
        row.argument,
        String(row.count),
        round(row.min),
        round(row.max),
        round(row.mean),
        round(row.variance),
        `[${round(row.range[0])}, ${round(row.range[1])}]`,
      ]),
    );
  }
  const text = (report.info as { text?: unknown }).text;
  return typeof text === 'string' ? text : JSON.stringify(report.info, null, 2) + '\n';
}

/**
 * `ch transform --config FILE [--load RUN]`: MASE's transform. Runs a MASE config's passes on a
 * trained run's model as a graph and writes MASE's files and a transformed (quantized) run.
 */
export const transformCommand: CommandBody = {
  details:
    "FILE is a MASE transform config (TOML), used unmodified: its [passes.*] tables run in order (the built-in passes and plugins' passes: ch list passes) on the model's graph (nodes named as MASE names them, such as seq_blocks_2), with the run's weights; profile_statistics sees the run's training split, scaled with its scaler. Settings: defaults < the file < flags. Keys Machop.ts cannot honour (accelerator = \"gpu\", [search]) are noted on stderr, one line each.\n\nWrites MASE's software/transform/quantize/quantize_table.csv and quantize_histogram.csv under the project, and a new run folder (checkpoints/best: the float weights in the tfjs layout plus each layer's quantization) that ch test --load, ch train --load (quantization-aware training) and ch predict --load build the quantized model from. Plain tfjs loads the same checkpoint as the float model.",
  flags: [
    {
      name: 'config',
      type: 'string',
      value: 'FILE',
      description: "MASE's transform config (TOML), unmodified",
    },
    {
      name: 'load',
      type: 'string',
      value: 'RUN|CHECKPOINT',
      description: 'the trained run (its best checkpoint) to transform; load_name in the file',
    },
    {
      name: 'load-type',
      type: 'string',
      choices: ['mz'],
      description: 'what --load names: mz, a Machop.ts run or checkpoint (load_type in the file)',
    },
    {
      name: 'project',
      type: 'string',
      description: "project of the new run and of software/transform/ (default the loaded run's)",
    },
    {
      name: 'project-dir',
      type: 'string',
      value: 'DIR',
      description: 'folder holding projects (default machop_output)',
    },
    BACKEND_FLAG,
  ],
  async run(context) {
    const { io, args, registry } = context;
    if (args.positionals.length > 0)
      throw new ConfigError(
        `ch transform takes no words besides flags, got: ${args.positionals.join(' ')}; give the model and run as --load RUN`,
      );
    const configFlag = args.flags.get('config') as string | undefined;
    if (configFlag === undefined)
      throw new ConfigError(
        'ch transform needs --config FILE: a MASE transform config such as configs/examples/jsc_toy_by_type.toml',
      );
    const file = path.resolve(io.cwd, configFlag);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new ConfigError(
        `--config ${configFlag}: ${missing ? 'file not found' : (error as Error).message}`,
        { cause: error },
      );
    }
    // The built-in passes register like a plugin's; plugins' passes are loaded already.
    await loadPlugins([graphPassesPlugin]);
    const config = readMaseConfig(text, file);
    // Notes first: a skipped (misspelt) pass explains the error of a config left with none.
    for (const note of config.notes) io.stderr.write(`note: ${note}\n`);
    checkPasses(config, file);
    const { settings } = config;
    const loadType = pick(
      args.flags.get('load-type') as string | undefined,
      settings['load-type'],
      'mz',
    );
    if (loadType !== 'mz')
      throw new ConfigError(
        `${file}: load_type = "${loadType}" names a PyTorch checkpoint; Machop.ts loads its own runs: use load_type = "mz" (or leave it out) and a run folder from ch train`,
      );
    const load = pick(args.flags.get('load') as string | undefined, settings.load);
    if (load === undefined)
      throw new ConfigError(
        `ch transform needs a trained run: pass --load RUN (a run folder from ch train), or set load_name in ${file}`,
      );
    // A model named in the file must be the run's: it is checked, and its name is checked first.
    const model = settings.model === undefined ? undefined : String(settings.model);
    if (model !== undefined) registry.models.get(model);
    const backend = args.flags.get('backend') as string | undefined;
    await initBackend({
      backend: backend === undefined || backend === 'auto' ? undefined : backend,
      env: io.env,
    });
    const projectDir = pick(
      args.flags.get('project-dir') as string | undefined,
      settings['project-dir'],
    );
    const result = await transform(
      {
        load: path.resolve(io.cwd, load),
        config,
        configFile: file,
        ...(model === undefined ? {} : { model }),
        ...(projectDir === undefined ? {} : { projectDir: path.resolve(io.cwd, projectDir) }),
        project: pick(args.flags.get('project') as string | undefined, settings.project),
        cacheDir: defaultCacheDir(io.env),
      },
      { reporter: stderrReporter(io, context.json) },
    );
    if (context.json) {
      io.stdout.write(
        JSON.stringify({ run: result.runDir, files: result.files, quant: result.quant }, null, 2) +
          '\n',
      );
      return 0;
    }
    io.stdout.write(
      result.reports.map((report) => `== ${report.name} ==\n${reportText(report)}\n`).join('') +
        result.files.map((written) => `written: ${written}\n`).join('') +
        `transformed run: ${result.runDir}\n` +
        `test it: ch test --load ${result.runDir}\n`,
    );
    return 0;
  },
};
