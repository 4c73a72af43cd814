import { closestNames, ConfigError, unknownName } from '@machop/core/base';
import type { Weights } from '../forward.js';
import type { Graph } from '../graph.js';
import { availablePasses, type GraphPassEntry } from '../passes/index.js';
import { PassArgumentError, type Pass } from '../passes/types.js';
import type { PassStep } from './mase-config.js';

/** What passes need beyond their TOML arguments: the run's weights and sample rows. */
export interface PassContext {
  weights?: Weights;
  /** Sample rows for `profile_statistics`, row-major. */
  x?: Float32Array;
  rows?: number;
}

/** What one pass of {@link runPasses} reported. */
export interface PassReport {
  name: string;
  info: unknown;
}

/**
 * Runs `passes` (a config's `[passes.*]` tables, in order) on `graph`, each on the graph the one
 * before returned; `context` supplies the weights and sample rows a pass needs. A bad argument
 * throws a `ConfigError` naming the pass and the key. The passes are those in `registry.passes`
 * and the built-in ones ({@link availablePasses}); `available` replaces them with plain
 * functions by name (`profile_statistics` among them is handed the context).
 */
export function runPasses(
  graph: Graph,
  passes: readonly PassStep[],
  context: PassContext = {},
  available?: Readonly<Record<string, Pass<never>>>,
): { graph: Graph; reports: PassReport[] } {
  const entries = available ? entriesOf(available) : availablePasses();
  const reports: PassReport[] = [];
  let current = graph;
  for (const { name, args } of passes) {
    const entry = entries.get(name);
    if (!entry) throw unknownPass(name, [...entries.keys()]);
    if (entry.data && (!context.weights || !context.x || !context.rows))
      throw new ConfigError(
        `passes.${name} needs a trained model and data: load a run (--load RUN)`,
      );
    try {
      // Only passes that read data get it; the others see exactly their TOML table.
      const result = entry.run(current, entry.data ? { ...args, ...context } : args);
      current = result.graph;
      reports.push({ name, info: result.info });
    } catch (error) {
      if (error instanceof PassArgumentError)
        throw new ConfigError(error.message, { cause: error });
      throw error;
    }
  }
  return { graph: current, reports };
}

/** The error for a `[passes.NAME]` no pass has: the closest names, else all of them. */
export function unknownPass(name: string, known: readonly string[]): ConfigError {
  const close = closestNames(name, known);
  return new ConfigError(
    unknownName(
      `there is no pass "${name}"`,
      close,
      close.length > 0
        ? 'run "ch list passes" to see all'
        : `passes: ${known.join(', ')}; a plugin's pass needs its plugin loaded`,
    ),
  );
}

function entriesOf(functions: Readonly<Record<string, Pass<never>>>): Map<string, GraphPassEntry> {
  return new Map(
    Object.entries(functions).map(([name, pass]) => [
      name,
      {
        description: name,
        run: pass,
        data: name === 'profile_statistics',
      },
    ]),
  );
}
