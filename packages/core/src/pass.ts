/**
 * A graph pass in the registry (`registry.passes.add(name, entry)`): a plain function of a graph
 * and its arguments that returns the graph (the same one for an analysis, a new one for a
 * transform) and what it found. `ch transform` runs the entries a config's `[passes.NAME]`
 * tables name, in file order; the built-in passes (`quantize`, `report_graph`, ...) register
 * through the same kind.
 *
 * Core does not know the graph's shape: `@machop/graph` depends on core, not the other way, so
 * the graph is the type parameter here and `@machop/graph` exports `GraphPassEntry`, this entry
 * with its `Graph`. A pass reads and returns that graph as plain data.
 */
export interface PassEntry<Graph = unknown> {
  /** One line for `ch list passes` and messages. */
  readonly description: string;
  /**
   * The pass. `args` is its `[passes.NAME]` table as the TOML gives it (MASE's snake_case keys);
   * a bad argument should throw a `RangeError` naming the key and a good value.
   */
  run(graph: Graph, args: Record<string, unknown>): { graph: Graph; info: unknown };
  /**
   * True when the pass needs the trained model's weights and sample rows: they are added to its
   * arguments as `weights`, `x` and `rows` (as `profile_statistics` takes them).
   */
  readonly data?: boolean;
}
