import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, initBackend, IoError, writeFileAtomic, type Scaler } from '@machop/core';
import { applyScaler, readFeatureRows } from '@machop/datasets';
import { openPredictor, type Predictions } from '@machop/trainer';
import type { CommandBody, CommandContext } from '../command.js';
import { EVALUATION_FLAGS } from '../flags.js';
import { stderrReporter } from '../reporter.js';
import { savedEntries } from '../saved-run.js';
import { predictionHeader, predictionLines } from './predict-csv.js';

/** Rows formatted per write, so a large input never becomes one huge string on stdout. */
const LINES_PER_WRITE = 4096;

/** `--threads` as the trainer takes it: auto, 1 or 2. */
function threadsFlag(value: unknown): 'auto' | 1 | 2 | undefined {
  if (value === undefined || value === 'auto') return value;
  return Number(value) as 1 | 2;
}

/**
 * Write `chunks` to `stream` one after the other, stopping quietly when the reader goes away
 * (`ch predict ... | head` closes the pipe early): that is the reader's choice, not an error.
 * Returns whether everything was written.
 */
async function writeChunks(
  stream: NodeJS.WritableStream,
  chunks: Iterable<string>,
): Promise<boolean> {
  let closed = false;
  // Without a listener, the pipe's EPIPE would be an uncaught 'error' event and a stack trace.
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') closed = true;
  };
  stream.on('error', onError);
  for (const chunk of chunks) {
    if (closed) return false;
    const failed = await new Promise<Error | null | undefined>((resolve) =>
      stream.write(chunk, resolve),
    );
    if (failed) {
      onError(failed);
      if (!closed) throw failed;
    }
  }
  return !closed;
}

/** Refuse an `--out` that cannot be a file before any work, so a mistake costs nothing. */
async function checkOut(out: string): Promise<void> {
  const found = await stat(out).catch(() => undefined);
  if (found?.isDirectory())
    throw new ConfigError(`--out ${out} is a folder; pass the path of the CSV file to write`);
  const parent = await stat(path.dirname(out)).catch(() => undefined);
  if (!parent?.isDirectory())
    throw new ConfigError(
      `--out ${out}: the folder ${path.dirname(out)} does not exist; create it or choose another path`,
    );
}

/** What {@link writePredictions} needs of a predictor. */
interface PredictionSource {
  checkpointDir: string;
  featureNames: string[];
  classNames: string[];
  scaler: Scaler;
}

/** Read `file`'s rows, scale them, predict, and write the CSV to stdout or `out`. */
async function writePredictions(
  context: CommandContext,
  predictor: PredictionSource,
  file: string,
  out: string | undefined,
  predict: (x: Float32Array, rows: number) => Predictions,
): Promise<number> {
  const { io } = context;
  const reporter = stderrReporter(io, context.json);
  const rows = await readFeatureRows(file, predictor.featureNames);
  if (rows.ignoredColumns.length > 0)
    reporter.info(
      `note: ${file}: ignored column${rows.ignoredColumns.length === 1 ? '' : 's'} ${rows.ignoredColumns.join(', ')} (not features of the model)`,
    );
  applyScaler({ x: rows.x, y: new Int32Array(0), size: rows.rows }, predictor.scaler);
  const predictions = predict(rows.x, rows.rows);
  const lines = predictionLines(predictions, predictor.classNames);
  const header = predictionHeader(predictor.classNames) + '\n';
  if (out === undefined) {
    const chunks = function* () {
      yield header;
      for (let start = 0; start < lines.length; start += LINES_PER_WRITE)
        yield lines.slice(start, start + LINES_PER_WRITE).join('');
    };
    if (!(await writeChunks(io.stdout, chunks()))) return 0;
  } else {
    try {
      await writeFileAtomic(out, header + lines.join(''));
    } catch (error) {
      throw IoError.from(error, 'write', out, 'nothing was written');
    }
  }
  reporter.info(
    `predicted ${rows.rows} row${rows.rows === 1 ? '' : 's'} with ${predictor.checkpointDir}${out === undefined ? '' : ` -> ${out}`}`,
  );
  return 0;
}

/** `ch predict --load RUN --data FILE [--out FILE]`: classes, probabilities and logits of new rows. */
export const predictCommand: CommandBody = {
  details:
    "Reads raw feature rows (a CSV file with a header row, or an ARFF file), takes the columns the model was trained on by name in any order (other columns, such as a label, are ignored), applies the run's scaler fitted on its training rows, and writes one CSV row per input row: the predicted class, p_<class> softmax probabilities and logit_<class> logits, each number in full precision. The model is loaded and evaluated exactly as ch test does, so the classes it predicts for the test split are the ones ch test scores.\n\nThe CSV goes to stdout (notes go to stderr, so it pipes), or with --out to a file written whole or not at all.",
  flags: [
    {
      name: 'load',
      type: 'string',
      value: 'RUN|CHECKPOINT',
      description: 'a run folder (its best checkpoint) or a checkpoint folder',
    },
    {
      name: 'data',
      type: 'string',
      value: 'FILE',
      description: 'CSV (with a header row) or ARFF file of raw feature rows',
    },
    {
      name: 'out',
      type: 'string',
      value: 'FILE',
      description: 'write the predictions to FILE instead of stdout',
    },
    {
      name: 'integer',
      type: 'boolean',
      description: "a transformed run's hardware arithmetic (ch emit's golden model)",
    },
    ...EVALUATION_FLAGS,
  ],
  async run(context) {
    const { io, args } = context;
    if (args.positionals.length > 0)
      throw new ConfigError(
        `ch predict takes no words besides flags, got: ${args.positionals.join(' ')}; the run names the model`,
      );
    const load = args.flags.get('load') as string | undefined;
    const data = args.flags.get('data') as string | undefined;
    if (load === undefined)
      throw new ConfigError(
        'ch predict needs --load RUN|CHECKPOINT: the trained run to predict with',
      );
    if (data === undefined)
      throw new ConfigError('ch predict needs --data FILE: a CSV or ARFF file of feature rows');
    const given = args.flags.get('out') as string | undefined;
    const out = given === undefined ? undefined : path.resolve(io.cwd, given);
    if (out !== undefined) await checkOut(out);
    // A missing path or a damaged config.json gets the same line as ch test gives it.
    await savedEntries('--load', path.resolve(io.cwd, load));
    const reporter = stderrReporter(io, context.json);
    if (args.flags.get('integer') === true) {
      const { openIntegerPredictor } = await import('./predict-integer.js');
      const predictor = await openIntegerPredictor(path.resolve(io.cwd, load), context.registry);
      return writePredictions(context, predictor, path.resolve(io.cwd, data), out, (x, rows) =>
        predictor.predict(x, rows),
      );
    }
    const backend = args.flags.get('backend') as string | undefined;
    await initBackend({
      backend: backend === undefined || backend === 'auto' ? undefined : backend,
      env: io.env,
    });
    const predictor = await openPredictor(
      {
        load: path.resolve(io.cwd, load),
        engine: args.flags.get('engine') as 'auto' | 'tfjs' | 'fused' | undefined,
        threads: threadsFlag(args.flags.get('threads')),
      },
      { reporter },
    );
    try {
      return await writePredictions(
        context,
        predictor,
        path.resolve(io.cwd, data),
        out,
        (x, rows) => predictor.predict(x, rows, args.flags.get('batch-size') as number | undefined),
      );
    } finally {
      predictor.dispose();
    }
  },
};
