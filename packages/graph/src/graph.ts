import type { DataShape, FixedFormat, LayerSpec, QuantSpec } from '@machop/core/base';

/** MASE's `mase_op` of a node: what it computes. */
export type NodeOp =
  | 'placeholder'
  | 'output'
  | 'linear'
  | 'batch_norm1d'
  | 'relu'
  | 'tanh'
  | 'sigmoid'
  | 'elu'
  | 'selu'
  | 'identity'
  | 'dropout';

/** MASE's `mase_type` of a node (MASE calls a batch norm a `module`, other layers `module_related_func`). */
export type NodeType = 'placeholder' | 'output' | 'module' | 'module_related_func';

/**
 * The precision of one argument, as MASE's node metadata holds it: `float` with `[32]`, or
 * `integer` / `fixed` with `[width, frac]`.
 */
export type Precision =
  { type: 'float'; precision: [32] } | { type: 'integer' | 'fixed'; precision: [number, number] };

/** One argument of a node (`data_in_0`, `weight`, `bias`, `data_out_0`, ...): shape and precision. */
export interface NodeArgument {
  /** Per-sample shape for data (`[16]`), full shape for parameters (`[16, 5]`, tfjs' layout). */
  shape: number[];
  precision: Precision;
  /** The tfjs weight name for a parameter (`dense_1/kernel`); absent for data. */
  weightName?: string;
  /** Set by the `profile_statistics` pass. */
  statistics?: Statistics;
}

/** What `profile_statistics` measures of one argument's values (all of them, over every row). */
export interface Statistics {
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Population variance (divided by count). */
  variance: number;
  /** `[quantile(1 - q), quantile(q)]` with linear interpolation, as MASE's `range_quantile`. */
  range: [number, number];
  /** The `q` of {@link Statistics.range}. */
  quantile: number;
}

/** One node of a {@link Graph}: an input, a layer of the sequential model, or the output. */
export interface GraphNode {
  /** MASE's name: `x`, `seq_blocks_<layer index>`, `output`. */
  name: string;
  op: NodeOp;
  type: NodeType;
  /** The PyTorch class MASE reports (`Linear`, `BatchNorm1d`, `ReLU`; `x` and `output` for the ends). */
  moduleType: string;
  /** Index in the layer list; absent for `x` and `output`. */
  layerIndex?: number;
  /** The layer as data (with its `quant`, once quantized); absent for `x` and `output`. */
  layer?: LayerSpec;
  /** Data arguments (`data_in_0`, `data_out_0`) and parameters (`weight`, `bias`, `running_mean`, ...). */
  args: Record<string, NodeArgument>;
}

/** The model as data: nodes in execution order, from `x` to `output`. */
export interface Graph extends DataShape {
  nodes: GraphNode[];
}

/** Options of {@link graphOf}. */
export interface GraphOptions {
  /** Prefix of layer node names (default `seq_blocks`); {@link maseNodePrefix} gives MASE's. */
  prefix?: string;
}

/**
 * The prefix MASE's traced graph gives a model's layer nodes: `seq_blocks` (an `nn.Sequential`
 * of that name) for jsc-tiny, jsc-toy, jsc-trt and others, `module_list` for jsc-s, whose layers
 * sit in an `nn.ModuleList` (torch.fx names `module_list.0` as `module_list_0`).
 */
export function maseNodePrefix(model: string): string {
  return model === 'jsc-s' ? 'module_list' : 'seq_blocks';
}

const FLOAT: Precision = { type: 'float', precision: [32] };

const ACTIVATION_OPS: Record<string, [NodeOp, string]> = {
  relu: ['relu', 'ReLU'],
  tanh: ['tanh', 'Tanh'],
  sigmoid: ['sigmoid', 'Sigmoid'],
  elu: ['elu', 'ELU'],
  selu: ['selu', 'SELU'],
  linear: ['identity', 'Identity'],
};

/**
 * The precision MASE records for a format: `arithmetic` (`integer` unless a config said `fixed`)
 * with `[width, frac]`, or float when there is no format.
 */
export function precisionOf(
  format: FixedFormat | undefined,
  arithmetic: QuantSpec['arithmetic'] = 'integer',
): Precision {
  return format ? { type: arithmetic, precision: [format.width, format.frac] } : FLOAT;
}

/**
 * The graph of a sequential layer list, named as MASE names the nodes of our JSC models (`x`,
 * `seq_blocks_0` … `seq_blocks_N`, `output`), with parameters under their tfjs weight names
 * (`dense_1/kernel`, `batch_norm_1/gamma`, ...) and each argument's precision read from the
 * layer's `quant` (float where there is none).
 */
export function graphOf(
  layers: readonly LayerSpec[],
  shape: DataShape,
  options: GraphOptions = {},
): Graph {
  const prefix = options.prefix ?? 'seq_blocks';
  const counts = new Map<string, number>();
  const weightPrefix = (kind: string): string => {
    const next = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, next);
    return `${kind}_${next}`;
  };
  const nodes: GraphNode[] = [
    {
      name: 'x',
      op: 'placeholder',
      type: 'placeholder',
      moduleType: 'x',
      args: { data_out_0: { shape: [shape.features], precision: FLOAT } },
    },
  ];
  let width = shape.features;
  layers.forEach((layer, index) => {
    const node = layerNode(layer, width, weightPrefix);
    nodes.push({ name: `${prefix}_${index}`, layerIndex: index, layer, ...node });
    width = node.args.data_out_0.shape[0];
  });
  nodes.push({
    name: 'output',
    op: 'output',
    type: 'output',
    moduleType: 'output',
    args: { data_in_0: { shape: [width], precision: FLOAT } },
  });
  if (width !== shape.classes)
    throw new RangeError(
      `the layer list ends with width ${width}, but the data has ${shape.classes} classes; make the last dense layer's units ${shape.classes}`,
    );
  return { features: shape.features, classes: shape.classes, nodes };
}

type LayerNode = Pick<GraphNode, 'op' | 'type' | 'moduleType' | 'args'>;

function layerNode(
  layer: LayerSpec,
  width: number,
  weightPrefix: (kind: string) => string,
): LayerNode {
  const arithmetic =
    layer.type === 'dense' || layer.type === 'activation' ? layer.quant?.arithmetic : undefined;
  const data = (size: number, format?: FixedFormat): NodeArgument => ({
    shape: [size],
    precision: precisionOf(format, arithmetic),
  });
  const parameter = (name: string, shape: number[], format?: FixedFormat): NodeArgument => ({
    shape,
    precision: precisionOf(format, arithmetic),
    weightName: name,
  });
  switch (layer.type) {
    case 'dense': {
      const base = weightPrefix('dense');
      const quant: QuantSpec = layer.quant ?? {};
      const args: Record<string, NodeArgument> = {
        data_in_0: data(width, quant.dataIn),
        weight: parameter(`${base}/kernel`, [width, layer.units], quant.weight),
      };
      if (layer.useBias !== false) args.bias = parameter(`${base}/bias`, [layer.units], quant.bias);
      args.data_out_0 = data(layer.units, quant.dataOut);
      return { op: 'linear', type: 'module_related_func', moduleType: 'Linear', args };
    }
    case 'batchNorm': {
      const base = weightPrefix('batch_norm');
      return {
        op: 'batch_norm1d',
        type: 'module',
        moduleType: 'BatchNorm1d',
        args: {
          data_in_0: data(width),
          weight: parameter(`${base}/gamma`, [width]),
          bias: parameter(`${base}/beta`, [width]),
          running_mean: parameter(`${base}/moving_mean`, [width]),
          running_var: parameter(`${base}/moving_variance`, [width]),
          data_out_0: data(width),
        },
      };
    }
    case 'activation': {
      const [op, moduleType] = ACTIVATION_OPS[layer.activation];
      return {
        op,
        type: 'module_related_func',
        moduleType,
        args: { data_in_0: data(width, layer.quant?.dataIn), data_out_0: data(width) },
      };
    }
    case 'dropout':
      return {
        op: 'dropout',
        type: 'module_related_func',
        moduleType: 'Dropout',
        args: { data_in_0: data(width), data_out_0: data(width) },
      };
  }
}

/** The layer list of a graph, each layer with its current `quant`: what an engine builds. */
export function layersOf(graph: Graph): LayerSpec[] {
  return graph.nodes.flatMap((node) => (node.layer ? [node.layer] : []));
}

/** The node named `name`, or a `RangeError` listing the names there are. */
export function nodeNamed(graph: Graph, name: string): GraphNode {
  const node = graph.nodes.find((candidate) => candidate.name === name);
  if (!node)
    throw new RangeError(
      `no node "${name}" in the graph; nodes: ${graph.nodes.map((each) => each.name).join(', ')}`,
    );
  return node;
}
