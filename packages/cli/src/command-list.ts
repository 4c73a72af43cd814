import type { CommandEntry } from './command.js';

/**
 * Every `ch` command, in help order. Each command's module is imported only when it runs (or shows
 * its own help), so `ch --help` loads none of them, and no command loads another's dependencies.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'train',
    usage: 'train MODEL DATASET [flags]',
    summary: 'train a model on a data set (validation every epoch, checkpoints, TensorBoard logs)',
    load: async () => (await import('./commands/train.js')).trainCommand,
  },
  {
    name: 'test',
    usage: 'test [MODEL DATASET] --load RUN|CHECKPOINT',
    summary:
      'evaluate a checkpoint on the test split (loss, accuracy, confusion matrix, per-class scores)',
    load: async () => (await import('./commands/test.js')).testCommand,
  },
  {
    name: 'predict',
    usage: 'predict --load RUN --data FILE [--out FILE]',
    summary:
      'predict classes of new rows (CSV or ARFF) with a trained run: class, probabilities, logits',
    load: async () => (await import('./commands/predict.js')).predictCommand,
  },
  {
    name: 'transform',
    usage: 'transform --config FILE [--load RUN] [flags]',
    summary:
      "run a MASE transform config's passes on a trained run: quantize it, write MASE's tables and a quantized run",
    load: async () => (await import('./commands/transform.js')).transformCommand,
  },
  {
    name: 'search',
    usage: 'search --config FILE --load RUN [--strategy S] [--trials N] [flags]',
    summary:
      "search a trained run's precisions (MASE's search config): log.json, best.json, a Pareto set",
    load: async () => (await import('./commands/search.js')).searchCommand,
  },
  {
    name: 'export',
    usage: 'export --load RUN --format FORMAT [--out FILE]',
    summary: 'write a run (float or transformed) as an ONNX file that ONNX Runtime runs',
    load: async () => (await import('./commands/export.js')).exportCommand,
  },
  {
    name: 'emit',
    usage: 'emit --load RUN --out DIR [--multipliers N]',
    summary: 'write a transformed run as synthesizable Verilog with a testbench and a report',
    load: async () => (await import('./commands/emit.js')).emitCommand,
  },
  {
    name: 'simulate',
    usage: 'simulate DIR [--vectors N] [--simulator iverilog|verilator]',
    summary: 'simulate an emitted design on test rows, bit for bit against the integer reference',
    load: async () => (await import('./commands/simulate.js')).simulateCommand,
  },
  {
    name: 'synth',
    usage: 'synth DIR [--target generic|xilinx]',
    summary: 'synthesize an emitted design with Yosys: LUTs, flip-flops, DSPs, logic levels',
    load: async () => (await import('./commands/synth.js')).synthCommand,
  },
  {
    name: 'sweep',
    usage: 'sweep MODEL DATASET [--grid KEY=V1,V2]... [--seeds 0,1,2] [flags]',
    summary: 'run a grid or random study over settings and seeds, in parallel, and tabulate it',
    load: async () => (await import('./commands/sweep.js')).sweepCommand,
  },
  {
    name: 'worker',
    usage: 'worker --queue redis://HOST:PORT/DB [--concurrency N] [--project-dir DIR] [flags]',
    summary: 'run sweep trials from a queue (ch sweep --queue) on this machine',
    load: async () => (await import('./commands/worker.js')).workerCommand,
  },
  {
    name: 'runs',
    usage: 'runs [--project P] [--sweep ID] [--filter EXPR] [--sort METRIC] [--csv|--json]',
    summary:
      'list runs with the settings that differ between them and their final and best metrics',
    load: async () => (await import('./commands/runs.js')).runsCommand,
  },
  {
    name: 'plot',
    usage: 'plot --project P [flags]',
    summary:
      'draw learning curves or a study summary of runs (mean and spread over seeds) to SVG or PNG',
    load: async () => (await import('./commands/plot.js')).plotCommand,
  },
  {
    name: 'dashboard',
    usage: 'dashboard [--project-dir DIR] [--port 6006] [--host 127.0.0.1] [--open]',
    summary: 'compare runs and sweeps in a browser, live (needs @machop/dashboard)',
    load: async () => (await import('./commands/dashboard.js')).dashboardCommand,
  },
  {
    name: 'list',
    usage: 'list [models|datasets|engines|strategies|passes|plugins]',
    summary: 'list registered models, data sets, engines... with the plugin that added each',
    load: async () => (await import('./commands/list.js')).listCommand,
  },
  {
    name: 'info',
    usage: 'info [model|dataset] NAME',
    summary: 'describe a model (layers, parameters) or a data set (features, classes, splits)',
    load: async () => (await import('./commands/info.js')).infoCommand,
  },
  {
    name: 'plugin',
    usage: 'plugin new NAME [--dir DIR]',
    summary: 'create a plugin package (a model, a CSV data set, conformance tests) to build on',
    load: async () => (await import('./commands/plugin.js')).pluginCommand,
  },
];
