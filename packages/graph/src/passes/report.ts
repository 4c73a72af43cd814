import type { Graph } from '../graph.js';
import type { PassResult } from './types.js';

/** One row of {@link reportGraph}'s node table. */
export interface GraphReportRow {
  name: string;
  op: string;
  type: string;
  moduleType: string;
  inputShape: number[];
  outputShape: number[];
}

/** What {@link reportGraph} finds: a row per node, the count of each op, and both as text. */
export interface GraphReport {
  rows: GraphReportRow[];
  opCounts: Record<string, number>;
  text: string;
}

/** MASE's `report_graph`: the node table and how many nodes of each op the graph has. */
export function reportGraph(graph: Graph): PassResult<GraphReport> {
  const rows = graph.nodes.map((node) => ({
    name: node.name,
    op: node.op,
    type: node.type,
    moduleType: node.moduleType,
    inputShape: node.args.data_in_0?.shape ?? [],
    outputShape: node.args.data_out_0?.shape ?? [],
  }));
  const opCounts: Record<string, number> = {};
  for (const row of rows) opCounts[row.op] = (opCounts[row.op] ?? 0) + 1;
  const table = textTable(
    ['Name', 'Mase_OP', 'MASE_TYPE', 'Type', 'Input', 'Output'],
    rows.map((row) => [
      row.name,
      row.op,
      row.type,
      row.moduleType,
      shapeText(row.inputShape),
      shapeText(row.outputShape),
    ]),
  );
  const overview = Object.entries(opCounts)
    .map(([op, count]) => `${op}: ${count}`)
    .join(', ');
  return { graph, info: { rows, opCounts, text: `${table}\nNetwork overview: ${overview}\n` } };
}

/** One row of {@link reportNodeMetaParam}: one argument of one node. */
export interface NodeMetaRow {
  node: string;
  op: string;
  argument: string;
  shape: number[];
  type: string;
  precision: number[];
  weightName?: string;
}

/** MASE's `report_node_meta_param`: each node's arguments with shape, precision and statistics. */
export function reportNodeMetaParam(
  graph: Graph,
): PassResult<{ rows: NodeMetaRow[]; text: string }> {
  const rows: NodeMetaRow[] = [];
  const lines: string[][] = [];
  for (const node of graph.nodes)
    for (const [argument, meta] of Object.entries(node.args)) {
      rows.push({
        node: node.name,
        op: node.op,
        argument,
        shape: meta.shape,
        type: meta.precision.type,
        precision: meta.precision.precision,
        ...(meta.weightName ? { weightName: meta.weightName } : {}),
      });
      const stats = meta.statistics;
      lines.push([
        node.name,
        node.op,
        argument,
        shapeText(meta.shape),
        meta.precision.type,
        `[${meta.precision.precision.join(', ')}]`,
        meta.weightName ?? '',
        stats
          ? `min ${fixed(stats.min)} max ${fixed(stats.max)} mean ${fixed(stats.mean)} var ${fixed(stats.variance)}`
          : '',
      ]);
    }
  const text = textTable(
    ['Node', 'Mase_OP', 'Argument', 'Shape', 'Type', 'Precision', 'Weight', 'Statistics'],
    lines,
  );
  return { graph, info: { rows, text } };
}

function fixed(value: number): string {
  return Number(value.toPrecision(4)).toString();
}

function shapeText(shape: number[]): string {
  return shape.length === 0 ? '' : `[${shape.join(', ')}]`;
}

/** Columns padded to their widest cell, for a terminal. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  );
}
