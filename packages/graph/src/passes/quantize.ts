import { precisionOf, type Graph, type GraphNode } from '../graph.js';
import { toCsv } from './csv.js';
import {
  parseNodeConfig,
  QUANTIZABLE_OPS,
  type NodeQuantConfig,
  type ParsedQuantConfig,
} from './quantize-config.js';
import { PassArgumentError, type PassResult } from './types.js';

/**
 * MASE's `[passes.quantize]` table: `by`, then one `{ config }` table per op type (`linear`,
 * `relu`), node name (`seq_blocks_2`) or regular expression, and `default`.
 */
export interface QuantizeArgs {
  /** `"type"`, `"name"` or `"regex_name"`; anything else is an error naming the choices. */
  by: string;
  [key: string]: unknown;
}

/** One row of MASE's `quantize_table.csv`. */
export interface QuantizeTableRow {
  oriName: string;
  newName: string;
  maseType: string;
  maseOp: string;
  originalType: string;
  quantizedType: string;
  changed: boolean;
}

/** One row of MASE's `quantize_histogram.csv`, per original type. */
export interface QuantizeHistogramRow {
  originalType: string;
  op: string;
  total: number;
  changed: number;
  unchanged: number;
}

/** What {@link quantizeGraph} reports: MASE's two summaries. */
export interface QuantizeInfo {
  table: QuantizeTableRow[];
  histogram: QuantizeHistogramRow[];
}

/**
 * MASE's `quantize` transform: each quantizable node (linear, relu, selu, tanh; never a batch
 * norm) gets the config its op type, name or matching pattern selects (else `default`); a config
 * named `"NA"` leaves the node as it is. Returns a new graph whose layers carry their `quant`
 * and whose arguments carry the new precision, and the rows of MASE's summary CSVs.
 */
export function quantizeGraph(graph: Graph, args: QuantizeArgs): PassResult<QuantizeInfo> {
  const configs = tablesOf(args);
  const select = selector(args.by, configs);
  const result = structuredClone(graph);
  for (const node of result.nodes) {
    if (!node.layer || !(QUANTIZABLE_OPS as readonly string[]).includes(node.op)) continue;
    const key = select(node);
    const config = configs.get(key) ?? configs.get('default');
    if (!config) continue;
    const parsed = parseNodeConfig(config, node.op, `passes.quantize.${key}.config`);
    if (parsed) applyQuant(node, parsed);
  }
  const table = graph.nodes.map((original, index) => {
    const node = result.nodes[index];
    const originalType = typeName(original);
    const quantizedType = typeName(node);
    return {
      oriName: original.name,
      newName: node.name,
      maseType: node.type,
      maseOp: node.op,
      originalType,
      quantizedType,
      changed: originalType !== quantizedType,
    };
  });
  return { graph: result, info: { table, histogram: histogramOf(table) } };
}

function tablesOf(args: QuantizeArgs): Map<string, NodeQuantConfig> {
  const configs = new Map<string, NodeQuantConfig>();
  for (const [key, value] of Object.entries(args)) {
    // MASE's `report = true` asks for the summary, which this pass always returns.
    if (key === 'by' || (key === 'report' && typeof value === 'boolean')) continue;
    const config = (value as { config?: unknown } | null)?.config;
    if (typeof config !== 'object' || config === null || Array.isArray(config))
      throw new PassArgumentError(
        `passes.quantize.${key} must be a table with a config table, as [passes.quantize.${key}.config] name = "integer"`,
      );
    configs.set(key, config as NodeQuantConfig);
  }
  return configs;
}

function selector(by: unknown, configs: Map<string, NodeQuantConfig>): (node: GraphNode) => string {
  switch (by) {
    case 'type':
      return (node) => node.op;
    case 'name':
      return (node) => node.name;
    case 'regex_name': {
      const patterns = [...configs.keys()].map((key) => {
        try {
          return [key, new RegExp(`^(?:${key})$`)] as const;
        } catch {
          throw new PassArgumentError(
            `passes.quantize.${key}: not a regular expression; quote a valid pattern such as "seq_blocks_[0-9]+"`,
          );
        }
      });
      // Python's re.fullmatch: the first pattern matching the whole name wins.
      return (node) => patterns.find(([, pattern]) => pattern.test(node.name))?.[0] ?? 'default';
    }
    default:
      throw new PassArgumentError(
        `passes.quantize.by = ${JSON.stringify(by)} is not supported; use "type", "name" or "regex_name"`,
      );
  }
}

function applyQuant(node: GraphNode, { arithmetic, quant }: ParsedQuantConfig): void {
  if (node.layer?.type !== 'dense' && node.layer?.type !== 'activation') return;
  node.layer = { ...node.layer, quant };
  const set = (argument: string, format: typeof quant.dataIn) => {
    const meta = node.args[argument];
    if (!meta || !format) return;
    meta.precision = precisionOf(format, arithmetic);
  };
  set('data_in_0', quant.dataIn);
  set('weight', quant.weight);
  set('bias', quant.bias);
  set('data_out_0', quant.dataOut);
}

/** MASE's type string: the module class, `…Integer` once quantized (`LinearInteger`). */
function typeName(node: GraphNode): string {
  const layer = node.layer;
  const quantized = (layer?.type === 'dense' || layer?.type === 'activation') && layer.quant;
  return quantized ? `${node.moduleType}Integer` : node.moduleType;
}

function histogramOf(table: QuantizeTableRow[]): QuantizeHistogramRow[] {
  const groups = new Map<string, QuantizeHistogramRow>();
  for (const row of table) {
    const group = groups.get(row.originalType) ?? {
      originalType: row.originalType,
      op: row.maseOp,
      total: 0,
      changed: 0,
      unchanged: 0,
    };
    group.total += 1;
    if (row.changed) group.changed += 1;
    else group.unchanged += 1;
    groups.set(row.originalType, group);
  }
  // pandas' groupby sorts its keys (code point order: capitals first).
  return [...groups.values()].sort((a, b) =>
    a.originalType < b.originalType ? -1 : a.originalType > b.originalType ? 1 : 0,
  );
}

/** The text of MASE's `quantize_table.csv` (pandas' `to_csv`, with its unnamed index column). */
export function quantizeTableCsv(table: readonly QuantizeTableRow[]): string {
  return toCsv(
    ['Ori name', 'New name', 'MASE_TYPE', 'Mase_OP', 'Original type', 'Quantized type', 'Changed'],
    table.map((row) => [
      row.oriName,
      row.newName,
      row.maseType,
      row.maseOp,
      row.originalType,
      row.quantizedType,
      row.changed,
    ]),
  );
}

/** The text of MASE's `quantize_histogram.csv`: indexed by `Original type`, then `OP, Total, Changed, Unchanged`. */
export function quantizeHistogramCsv(histogram: readonly QuantizeHistogramRow[]): string {
  return toCsv(
    ['Original type', 'OP', 'Total', 'Changed', 'Unchanged'],
    histogram.map((row) => [row.originalType, row.op, row.total, row.changed, row.unchanged]),
    { index: false },
  );
}
