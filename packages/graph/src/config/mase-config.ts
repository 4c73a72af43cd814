import { ConfigError } from '@machop/core/base';
import { parse, TomlError } from 'smol-toml';
import { PASSES } from '../passes/index.js';

/** One `[passes.NAME]` table: the pass to run and its arguments as the file gives them. */
export interface PassStep {
  name: string;
  args: Record<string, unknown>;
}

/** A MASE transform config, read: what Machop.ts honours, and notes on what it does not. */
export interface MaseConfig {
  /**
   * Top-level training keys Machop.ts honours, under `ch`'s flag names (`max_epochs` becomes
   * `max-epochs`, `load_name` becomes `load`), so they slot in between defaults and flags.
   */
  settings: Record<string, string | number>;
  /** The `[passes.*]` tables Machop.ts has a pass for, in file order. */
  passes: PassStep[];
  /** `[transform] style`: only `"graph"` exists here. */
  style: 'graph';
  /** One line per key or table ignored (such as `accelerator = "gpu"`), for the CLI to print. */
  notes: string[];
  /** The top-level tables asked for with `options.tables` (such as `search`), as the file gives them. */
  tables: Record<string, Record<string, unknown>>;
}

type Check = (value: unknown) => boolean;
const text: Check = (value) => typeof value === 'string' && value.length > 0;
const positiveInteger: Check = (value) => Number.isInteger(value) && (value as number) > 0;
const integer: Check = (value) => Number.isInteger(value);
const positive: Check = (value) => typeof value === 'number' && value > 0;
const nonNegative: Check = (value) => typeof value === 'number' && value >= 0;

/** Keys Machop.ts honours: `ch` flag, check, and an example of a good value for the message. */
const HONOURED: Record<string, [flag: string, check: Check, example: string]> = {
  model: ['model', text, 'model = "jsc-tiny"'],
  dataset: ['dataset', text, 'dataset = "jsc"'],
  max_epochs: ['max-epochs', positiveInteger, 'max_epochs = 5'],
  batch_size: ['batch-size', positiveInteger, 'batch_size = 256'],
  learning_rate: ['learning-rate', positive, 'learning_rate = 1e-3'],
  weight_decay: ['weight-decay', nonNegative, 'weight_decay = 0'],
  seed: ['seed', integer, 'seed = 42'],
  project: ['project', text, 'project = "jsc-tiny"'],
  project_dir: ['project-dir', text, 'project_dir = "mase_output"'],
  load_name: ['load', text, 'load_name = "path/to/run"'],
  load_type: [
    'load-type',
    (value) => ['mz', 'pl', 'pt'].includes(value as string),
    'load_type = "mz"',
  ],
};

/** MASE keys that only mean something to PyTorch Lightning or a GPU. */
const IGNORED: Record<string, string> = {
  accelerator: 'Machop.ts computes on the CPU (WebAssembly or native tfjs)',
  devices: 'Machop.ts computes on the CPU (WebAssembly or native tfjs)',
  num_devices: 'Machop.ts computes on the CPU (WebAssembly or native tfjs)',
  strategy: 'there is no Lightning strategy here',
  num_workers: 'data is loaded in-process',
  log_every_n_steps: 'every step is logged to metrics.jsonl',
};

/**
 * Reads a MASE transform config (TOML, as MASE's `configs/examples/*.toml`) unmodified: the
 * top-level training keys, the `[passes.*]` tables in file order and `[transform] style`. Keys
 * and tables it cannot honour become `notes`; a bad value throws a `ConfigError` of one line
 * naming the file, the key and a good value. `"NA"` means none anywhere, as in MASE.
 * `options.passes` names the passes there are (default: the built-in {@link PASSES});
 * `options.tables` names top-level tables to return as they are (`ch search` reads `search`).
 */
export function readMaseConfig(
  source: string,
  file = 'config',
  options: { passes?: readonly string[]; tables?: readonly string[] } = {},
): MaseConfig {
  const known = options.passes ?? Object.keys(PASSES);
  let document: Record<string, unknown>;
  try {
    document = parse(source);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
    throw new ConfigError(`${file}:${error.line}: not valid TOML: ${reason}`, { cause: error });
  }
  const config: MaseConfig = { settings: {}, passes: [], style: 'graph', notes: [], tables: {} };
  for (const [key, value] of Object.entries(document)) {
    if (options.tables?.includes(key)) {
      if (!isTable(value)) fail(file, key, value, `make it a table: [${key}]`);
      config.tables[key] = value;
    } else if (key === 'passes') readPasses(value, file, config, known);
    else if (key === 'transform') config.style = readTransform(value, file, config.notes);
    else if (key === 'task') {
      if (value !== 'cls' && value !== 'classification')
        fail(file, key, value, 'Machop.ts does classification only: task = "cls"');
    } else if (value === 'NA') continue;
    else if (key in HONOURED) {
      const [flag, check, example] = HONOURED[key];
      if (!check(value)) fail(file, key, value, `use a value such as ${example}`);
      config.settings[flag] = value as string | number;
    } else if (key in IGNORED)
      config.notes.push(`${file}: ${key} = ${show(value)} is ignored: ${IGNORED[key]}`);
    else if (isTable(value)) config.notes.push(`${file}: [${key}] is ignored by ch transform`);
    else config.notes.push(`${file}: ${key} is not a Machop.ts setting; ignored`);
  }
  return config;
}

function readPasses(
  value: unknown,
  file: string,
  config: MaseConfig,
  known: readonly string[],
): void {
  if (!isTable(value)) fail(file, 'passes', value, 'write one table per pass: [passes.quantize]');
  for (const [name, args] of Object.entries(value)) {
    if (!isTable(args)) fail(file, `passes.${name}`, args, `make it a table: [passes.${name}]`);
    if (known.includes(name)) config.passes.push({ name, args });
    else
      config.notes.push(
        `${file}: [passes.${name}] is skipped: Machop.ts has the passes ${known.join(', ')}`,
      );
  }
}

function readTransform(value: unknown, file: string, notes: string[]): 'graph' {
  if (!isTable(value))
    fail(file, 'transform', value, 'make it a table: [transform] style = "graph"');
  for (const [key, setting] of Object.entries(value)) {
    if (key !== 'style')
      notes.push(`${file}: transform.${key} is not a Machop.ts setting; ignored`);
    else if (setting !== 'graph')
      fail(file, 'transform.style', setting, 'Machop.ts transforms graphs: style = "graph"');
  }
  return 'graph';
}

function isTable(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function fail(file: string, key: string, value: unknown, fix: string): never {
  const shown = isTable(value) ? 'a table' : Array.isArray(value) ? 'a list' : show(value);
  throw new ConfigError(`${file}: ${key} = ${shown} is not valid; ${fix}`);
}
