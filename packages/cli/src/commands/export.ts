import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  CheckpointError,
  ConfigError,
  IoError,
  ModelError,
  resolveEntryOptions,
  writeFileAtomic,
} from '@machop/core/base';
import {
  exportOnnx,
  FLOAT_OPSET,
  isQuantized,
  QUANTIZED_OPSET,
  readExportCheckpoint,
} from '@machop/export';
import { graphOf, maseNodePrefix } from '@machop/graph';
import { checkpointDir, readRun, runOfCheckpoint, runPaths } from '@machop/runs';
import type { CommandBody } from '../command.js';
import { stderrReporter } from '../reporter.js';
import { savedEntries } from '../saved-run.js';
import { packageVersions } from '../versions.js';

/** The formats `ch export` writes. */
const FORMATS = ['onnx'] as const;

/** The checkpoint `--load` names: a run's best (else last), or a checkpoint folder itself. */
function locate(target: string): { checkpoint: string; runDir: string | undefined } {
  if (existsSync(runPaths(target).checkpoints)) {
    for (const name of ['best', 'last'] as const) {
      const dir = checkpointDir(target, name);
      if (existsSync(dir)) return { checkpoint: dir, runDir: target };
    }
    throw new CheckpointError(
      `run ${target} has no checkpoint yet; train it with ch train until it saves one`,
    );
  }
  if (existsSync(path.join(target, 'model.json')))
    return { checkpoint: target, runDir: runOfCheckpoint(target) };
  throw new CheckpointError(
    `cannot export ${target}: it holds neither checkpoints/ nor model.json; pass a run folder or a checkpoint folder such as <run>/checkpoints/best`,
  );
}

/** Refuse an `--out` that cannot be a file before any work. */
async function checkOut(out: string): Promise<void> {
  if ((await stat(out).catch(() => undefined))?.isDirectory())
    throw new ConfigError(`--out ${out} is a folder; pass the path of the .onnx file to write`);
  if (!(await stat(path.dirname(out)).catch(() => undefined))?.isDirectory())
    throw new ConfigError(
      `--out ${out}: the folder ${path.dirname(out)} does not exist; create it or choose another path`,
    );
}

/** `ch export --load RUN --format onnx [--out FILE]`: a run as a file other tools run. */
export const exportCommand: CommandBody = {
  details:
    "Writes the run's model as an ONNX file that reads raw feature rows (the run's scaler is the first ops of the graph, in double precision) and outputs logits. A float run becomes standard ONNX (opset 17: Gemm, BatchNormalization, Relu, ...; dropout left out). A transformed run (ch transform) becomes opset 21 with QuantizeLinear/DequantizeLinear pairs that round and saturate exactly as Machop.ts' fixed-point quantizer, so ONNX Runtime gives the logits ch predict gives, at every graph optimization level. The metadata records the model, classes, features, scaler and Machop.ts version.\n\nThe file is written whole or not at all; by default <run>/<model>.onnx.",
  flags: [
    {
      name: 'load',
      type: 'string',
      value: 'RUN|CHECKPOINT',
      description: 'a run folder (its best checkpoint) or a checkpoint folder',
    },
    {
      name: 'format',
      type: 'string',
      value: 'FORMAT',
      choices: FORMATS,
      description: 'the file format to write: onnx',
    },
    {
      name: 'out',
      type: 'string',
      value: 'FILE',
      description: 'the file to write (default <run>/<model>.onnx)',
    },
  ],
  async run(context) {
    const { io, args, registry } = context;
    if (args.positionals.length > 0)
      throw new ConfigError(
        `ch export takes no words besides flags, got: ${args.positionals.join(' ')}; the run names the model`,
      );
    const load = args.flags.get('load') as string | undefined;
    if (load === undefined)
      throw new ConfigError('ch export needs --load RUN|CHECKPOINT: the trained run to export');
    if (args.flags.get('format') === undefined)
      throw new ConfigError(`ch export needs --format FORMAT: one of ${FORMATS.join(', ')}`);
    const target = path.resolve(io.cwd, load);
    await savedEntries('--load', target);
    const { checkpoint, runDir } = locate(target);
    const state = await readExportCheckpoint(checkpoint);
    const config = runDir === undefined ? undefined : (await readRun(runDir))?.config.dataset;
    const featureNames = state.featureNames ?? config?.featureNames;
    const classNames = state.classNames ?? config?.classNames;
    if (!featureNames || !classNames)
      throw new CheckpointError(
        `checkpoint ${checkpoint} records no feature and class names; pass the run folder it was trained in`,
      );
    const entry = registry.models.get(state.model);
    if (!entry.layers)
      throw new ModelError(
        `model ${state.model} is not a layer list, so it has no graph to export; export a built-in JSC model or one made with sequentialEntry`,
      );
    const shape = { features: state.features, classes: state.classes };
    const layers = entry.layers({
      ...shape,
      options: resolveEntryOptions('model', entry, state.modelOptions),
      seed: 0,
      quant: state.quant,
    });
    const graph = graphOf(layers, shape, { prefix: maseNodePrefix(state.model) });
    const given = args.flags.get('out') as string | undefined;
    const out = path.resolve(
      io.cwd,
      given ?? path.join(runDir ?? checkpoint, `${state.model}.onnx`),
    );
    await checkOut(out);
    const bytes = exportOnnx(
      {
        model: state.model,
        graph,
        weights: state.weights,
        featureNames,
        classNames,
        scaler: state.scaler,
      },
      { version: packageVersions()['@machop/cli'] ?? 'unknown' },
    );
    try {
      await writeFileAtomic(out, bytes);
    } catch (error) {
      throw IoError.from(error, 'write', out, 'nothing was written');
    }
    const quantized = isQuantized(graph);
    const opset = quantized ? QUANTIZED_OPSET : FLOAT_OPSET;
    const kind = quantized ? 'fixed-point' : 'float';
    stderrReporter(io, context.json).info(
      `exported ${checkpoint} as ${kind} ONNX (opset ${opset}) -> ${out}`,
    );
    io.stdout.write(
      context.json
        ? JSON.stringify({ file: out, format: 'onnx', opset, quantized }) + '\n'
        : `${out}\n`,
    );
    return 0;
  },
};
