import {
  ConfigError,
  type Assignment,
  type BuiltSearchSpace,
  type SearchParameter,
  type SearchSpaceEntry,
  type SearchValue,
} from '@machop/core/base';
import {
  parseNodeConfig,
  PassArgumentError,
  QUANTIZABLE_OPS,
  quantizeGraph,
  type Graph,
} from '@machop/graph';

const WHERE = 'search.search_space';

/** The quantize pass's table a trial applies (MASE's `sampled_config`): `by`, then a table per node. */
export type SampledQuantizeConfig = { by: 'name' } & Record<
  string,
  { config: Record<string, SearchValue> } | string
>;

type Choices = Map<string, SearchValue[]>;

/**
 * MASE's `graph/quantize/mixed_precision_ptq`: a precision per quantizable node (linear, relu,
 * selu, tanh) of the loaded model's graph. `setup.by = "name"` takes a node's choices from
 * `seed.<node name>`, `"type"` from `seed.<op>` (`linear`); both fall back to `seed.default`.
 * Each key of a seed's `config` lists its choices; keys with one choice are fixed, the others
 * become parameters named as MASE flattens them (`seq_blocks_2/config/weight_width`): ordinal
 * when every choice is a number, categorical otherwise. Trials quantize the graph by name.
 */
export const mixedPrecisionSpace: SearchSpaceEntry<Graph, Graph> = {
  description:
    "MASE's mixed-precision post-training quantization: a precision per node (by name or type), evaluated in-process",
  build(config, graph) {
    const by = (config.setup as { by?: unknown } | undefined)?.by;
    if (by !== 'name' && by !== 'type')
      throw new ConfigError(
        `${WHERE}.setup.by = ${JSON.stringify(by ?? null)} is not valid; use by = "name" or by = "type" in [${WHERE}.setup]`,
      );
    const seed = config.seed;
    if (!isTable(seed))
      throw new ConfigError(
        `${WHERE}.seed is missing; add [${WHERE}.seed.default.config] with name = ["NA"] and a table per node or type`,
      );
    const nodes = new Map<string, Choices>();
    for (const node of graph.nodes) {
      if (!node.layer || !(QUANTIZABLE_OPS as readonly string[]).includes(node.op)) continue;
      const key = by === 'name' ? node.name : node.op;
      const chosen = Object.hasOwn(seed, key) ? key : 'default';
      if (!Object.hasOwn(seed, chosen)) continue;
      nodes.set(node.name, choicesOf(seed[chosen], chosen, node.op));
    }
    const space: Record<string, SearchParameter> = {};
    for (const [node, choices] of nodes)
      for (const [key, values] of choices)
        if (values.length > 1) space[`${node}/config/${key}`] = parameterOf(values);
    if (Object.keys(space).length === 0)
      throw new ConfigError(
        `${WHERE}.seed gives no node of the model a choice (its quantizable nodes are ${
          graph.nodes
            .filter((node) => (QUANTIZABLE_OPS as readonly string[]).includes(node.op))
            .map((node) => node.name)
            .join(', ') || 'none'
        }); list two or more values for a key, as weight_width = [2, 4, 8]`,
      );
    const built: BuiltSearchSpace<Graph> = {
      space,
      realize(assignment: Assignment) {
        const sampled: SampledQuantizeConfig = { by: 'name' };
        for (const [node, choices] of nodes) {
          const nodeConfig: Record<string, SearchValue> = {};
          for (const [key, values] of choices) {
            const name = `${node}/config/${key}`;
            nodeConfig[key] = values.length > 1 ? assignment[name] : values[0];
          }
          sampled[node] = { config: nodeConfig };
        }
        return { candidate: quantizeGraph(graph, sampled).graph, config: sampled };
      },
    };
    return built;
  },
};

/** A seed's config: each key's choices (a list, or one value), checked by the quantize pass's reader. */
function choicesOf(seed: unknown, key: string, op: string): Choices {
  const where = `${WHERE}.seed.${key}.config`;
  const config = (seed as { config?: unknown } | null)?.config;
  if (!isTable(config))
    throw new ConfigError(
      `${where} is missing; write [${where}] with name = ["integer"] and lists such as weight_width = [4, 8]`,
    );
  const choices: Choices = new Map();
  for (const [name, value] of Object.entries(config)) {
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    if (values.length === 0 || values.some((each) => !isValue(each)))
      throw new ConfigError(
        `${where}.${name} must list one or more numbers or names, as ${name} = [4, 8]`,
      );
    choices.set(name, [...new Set(values as SearchValue[])]);
  }
  // Every choice must make a config the quantize pass accepts: checked one key at a time.
  const first = Object.fromEntries([...choices].map(([name, values]) => [name, values[0]]));
  for (const [name, values] of choices)
    for (const value of values)
      try {
        parseNodeConfig({ ...first, [name]: value }, op, where);
      } catch (error) {
        if (error instanceof PassArgumentError) throw new ConfigError(error.message);
        throw error;
      }
  return choices;
}

function parameterOf(values: SearchValue[]): SearchParameter {
  if (values.every((value) => typeof value === 'number'))
    return { kind: 'ordinal', choices: [...values].sort((a, b) => a - b) };
  return { kind: 'categorical', choices: values };
}

function isValue(value: unknown): value is SearchValue {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
