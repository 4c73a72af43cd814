import path from 'node:path';
import { ConfigError, defaultCacheDir, getRegistry, loadPlugins } from '@machop/core/base';
import type { Graph } from '@machop/graph';
import {
  evaluateGraph,
  fusedLogits,
  loadRun,
  objectivesOf,
  readStudy,
  runStudy,
  searchSpacesPlugin,
  searchStrategiesPlugin,
  writeSearchOutputs,
  type StudyTrial,
} from '@machop/search';
import type { CommandBody } from '../command.js';
import { stderrReporter } from '../reporter.js';
import { resolveSearch, searchIdentity } from '../search-settings.js';
import { formatTable } from '../table.js';

const shown = (value: number | undefined) =>
  value === undefined ? '' : String(Number(value.toPrecision(4)));

/** A trial's parameters in a few words: `seq_blocks_2.weight_width=4 ...`. */
const paramsText = (trial: StudyTrial) =>
  Object.entries(trial.params)
    .map(([name, value]) => `${name.replace('/config/', '.')}=${value}`)
    .join(' ');

/**
 * `ch search --config FILE --load RUN`: MASE's search. Proposes configurations of a search space
 * with a strategy, evaluates each on the run's validation split, and writes MASE's log.json and
 * best.json (and a CSV) under `<project>/software/search_ckpts/<search id>/`.
 */
export const searchCommand: CommandBody = {
  details:
    "FILE is a MASE config (TOML) used unmodified: its [search.search_space] (name, setup.by, seed.<node|type|default>.config lists of choices) and [search.strategy] (setup.sampler, n_trials, timeout, sum_scaled_metrics, direction; metrics.<name>.scale and .direction; hw_runner.average_bitwidth.compare_to) tables; flags replace what the file says. Post-training trials quantize the run's graph and evaluate it in-process on the validation split. Metrics: accuracy (micro), accuracy_macro (MASE's), loss, average_bitwidth (MASE's: weight widths of quantized linear layers), memory_density, model_size_bits, bitops, parameters.\n\nThe search's state is saved after every trial: the same command again (after Ctrl-C or a crash) goes on where it stopped and ends with the trials of an uninterrupted search. Writes log.json, best.json and trials.csv in <project>/software/search_ckpts/<search id>/ and prints the best trials (the Pareto set when there are several metrics).",
  flags: [
    {
      name: 'config',
      type: 'string',
      value: 'FILE',
      description: 'a MASE search config (TOML), unmodified',
    },
    {
      name: 'load',
      type: 'string',
      value: 'RUN',
      description: 'the trained run to search over (load_name in the file)',
    },
    {
      name: 'strategy',
      type: 'string',
      value: 'NAME',
      description: 'brute-force, random, tpe or nsga2 (setup.sampler in the file; default tpe)',
    },
    {
      name: 'trials',
      type: 'integer',
      min: 1,
      value: 'N',
      description: 'trials the search ends with (setup.n_trials; default 100)',
    },
    {
      name: 'seed',
      type: 'integer',
      description: "the strategy's seed (seed in the file; default 0)",
    },
    {
      name: 'metric',
      type: 'string-list',
      repeatable: true,
      value: 'NAME[:max|min[:SCALE]]',
      description: "a metric to weigh, as accuracy:max:1.0 (repeatable; replaces the file's)",
    },
    {
      name: 'sum-scaled-metrics',
      type: 'boolean',
      description: "one objective: the sum of the scaled metrics (MASE's)",
    },
    {
      name: 'direction',
      type: 'string',
      choices: ['maximize', 'minimize'],
      description: 'direction of the sum',
    },
    {
      name: 'timeout',
      type: 'number',
      min: 0,
      minInclusive: false,
      value: 'SECONDS',
      description: 'propose no trial after this long',
    },
    {
      name: 'resume',
      type: 'boolean',
      description: 'go on with a search that was stopped (an error if there is none)',
    },
    {
      name: 'project',
      type: 'string',
      description: "project of software/search_ckpts/ (default the file's, else the run's)",
    },
    {
      name: 'project-dir',
      type: 'string',
      value: 'DIR',
      description: 'folder holding projects (default machop_output)',
    },
  ],
  async run(context) {
    const { io, args } = context;
    if (args.positionals.length > 0)
      throw new ConfigError(
        `ch search takes no words besides flags, got: ${args.positionals.join(' ')}; give the run as --load RUN`,
      );
    const search = await resolveSearch(args, io.cwd);
    await loadPlugins([searchSpacesPlugin, searchStrategiesPlugin]);
    const registry = getRegistry();
    const spaceEntry = registry.searchSpaces.get(search.space.name);
    const strategyEntry = registry.strategies.get(search.strategy);
    for (const note of search.notes) io.stderr.write(`note: ${note}\n`);
    const reporter = stderrReporter(io, context.json);
    const run = await loadRun(search.load, { cacheDir: defaultCacheDir(io.env), reporter });
    const built = spaceEntry.build(search.space.config, run.graph) as ReturnType<
      typeof spaceEntry.build
    > & { realize(assignment: Record<string, unknown>): { candidate: unknown; config: unknown } };
    const strategy = strategyEntry.create({});
    const { id, fingerprint } = searchIdentity(search, run.checkpointDir);
    const project =
      search.project ?? (run.runDir ? path.basename(path.dirname(run.runDir)) : run.model);
    const dir = path.join(search.projectDir, project, 'software', 'search_ckpts', id);
    const saved = await readStudy(dir);
    if (args.flags.get('resume') === true && !saved)
      throw new ConfigError(
        `there is no search ${id} to resume in ${dir}; leave out --resume to start it`,
      );
    if (saved && !context.json)
      io.stderr.write(`resuming search ${id} after ${saved.trials.length} trials\n`);
    const scoring = { metrics: search.metrics, sum: search.sum };
    const objectives = objectivesOf(scoring);
    const validation = run.data.validation;
    const logitsOf = await fusedLogits();
    const evaluated = new Map<string, ReturnType<typeof evaluateGraph>>();
    const controller = new AbortController();
    const onSignal = () => {
      // A second Ctrl-C quits at once: the state saved after the last trial is all a rerun needs.
      if (controller.signal.aborted) process.exit(130);
      io.stderr.write(
        'interrupted: finishing the current trial (the search is saved after each; Ctrl-C again to quit at once)\n',
      );
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let result: Awaited<ReturnType<typeof runStudy>>;
    try {
      result = await runStudy({
        dir,
        id,
        fingerprint,
        space: built,
        strategy,
        scoring,
        seed: search.seed,
        trials: search.trials,
        timeoutSeconds: search.timeoutSeconds,
        evaluate(candidate) {
          // Post-training evaluation is deterministic: a configuration proposed again (TPE
          // repeats good ones in small spaces) is not computed twice.
          const graph = candidate as Graph;
          const key = JSON.stringify(graph.nodes.map((node) => node.layer ?? null));
          let metrics = evaluated.get(key);
          if (!metrics) {
            metrics = evaluateGraph(graph, run.weights, validation, search.compareTo, logitsOf);
            evaluated.set(key, metrics);
          }
          return metrics;
        },
        signal: controller.signal,
        env: io.env,
        onTrial(trial) {
          if (context.json) return;
          const values = search.metrics
            .map(({ name }) => {
              const all: Record<string, number> = {
                ...trial.softwareMetrics,
                ...trial.hardwareMetrics,
              };
              return `${name} ${shown(all[name])}`;
            })
            .join(', ');
          io.stderr.write(
            `trial ${trial.number}: ${trial.state === 'complete' ? values : `failed: ${trial.error}`}\n`,
          );
        },
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    const { files, best } = await writeSearchOutputs(dir, result.state.trials, objectives);
    if (context.json) {
      io.stdout.write(
        JSON.stringify(
          { search: id, dir, trials: result.state.trials.length, end: result.end, files, best },
          null,
          2,
        ) + '\n',
      );
    } else {
      const header = ['trial', ...search.metrics.map(({ name }) => name), 'config'];
      // A configuration proposed several times is one row: its first trial, and how many more.
      const repeats = new Map<string, StudyTrial[]>();
      for (const trial of best) {
        const key = JSON.stringify(trial.params);
        repeats.set(key, [...(repeats.get(key) ?? []), trial]);
      }
      const rows = [...repeats.values()].map(([trial, ...again]) => {
        const all: Record<string, number> = { ...trial.softwareMetrics, ...trial.hardwareMetrics };
        return [
          again.length > 0 ? `${trial.number} (+${again.length})` : String(trial.number),
          ...search.metrics.map(({ name }) => shown(all[name])),
          paramsText(trial),
        ];
      });
      io.stdout.write(
        `search: ${id}\ntrials: ${result.state.trials.length} (${endText(result.end)})\n` +
          `${objectives.length > 1 ? 'Pareto set' : 'best trial'}:\n` +
          formatTable(header, rows, {
            align: header.map((_, index) =>
              index === 0 || index === header.length - 1 ? 'left' : 'right',
            ),
            width: io.stdout.isTTY ? io.stdout.columns : undefined,
          }) +
          files.map((file) => `written: ${file}\n`).join(''),
      );
    }
    return result.end === 'aborted' ? 130 : 0;
  },
};

function endText(end: string): string {
  switch (end) {
    case 'exhausted':
      return 'every configuration tried';
    case 'timeout':
      return 'stopped by the timeout';
    case 'aborted':
      return 'interrupted; the same command goes on';
    default:
      return 'done';
  }
}
