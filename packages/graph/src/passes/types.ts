import type { Graph } from '../graph.js';

/** What a pass returns: the graph (the same one for an analysis pass, a new one for a transform) and what it found. */
export interface PassResult<Info = unknown> {
  graph: Graph;
  info: Info;
}

/**
 * A pass: a plain function of a graph and its arguments. Arguments are MASE's, in snake_case,
 * as a `[passes.NAME]` table of a TOML config gives them.
 */
export type Pass<Args = Record<string, unknown>, Info = unknown> = (
  graph: Graph,
  args: Args,
) => PassResult<Info>;

/** A pass's argument error: names the argument and says how to fix it. */
export class PassArgumentError extends RangeError {
  override name = 'PassArgumentError';
}
