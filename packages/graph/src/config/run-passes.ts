import { ConfigError } from '@machop/core/base';
import type { Weights } from '../forward.js';
import type { Graph } from '../graph.js';
import { PASSES } from '../passes/index.js';
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
 * throws a `ConfigError` naming the pass and the key. `available` adds or replaces passes (a
 * plugin's), by name; it defaults to the built-in {@link PASSES}.
 */
export function runPasses(
  graph: Graph,
  passes: readonly PassStep[],
  context: PassContext = {},
  available: Readonly<Record<string, Pass<never>>> = PASSES,
): { graph: Graph; reports: PassReport[] } {
  const reports: PassReport[] = [];
  let current = graph;
  for (const { name, args } of passes) {
    const pass = available[name] as
      ((graph: Graph, args: unknown) => { graph: Graph; info: unknown }) | undefined;
    if (!pass)
      throw new ConfigError(
        `there is no pass "${name}"; passes: ${Object.keys(available).join(', ')}`,
      );
    if (name === 'profile_statistics' && (!context.weights || !context.x || !context.rows))
      throw new ConfigError(
        'passes.profile_statistics needs a trained model and data: load a run (--load RUN)',
      );
    try {
      // Only profile_statistics reads data; other passes see exactly their TOML table.
      const passArgs = name === 'profile_statistics' ? { ...args, ...context } : args;
      const result = pass(current, passArgs);
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
