import onnxProto from 'onnx-proto';

// onnx-proto is CommonJS: its namespace is a property of the default export.
export const { onnx } = onnxProto;

/** The ONNX element types this package writes. */
export type ElementType = 'float' | 'double' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32';

const TENSOR_TYPES: Record<ElementType, number> = {
  float: onnx.TensorProto.DataType.FLOAT,
  double: onnx.TensorProto.DataType.DOUBLE,
  int8: onnx.TensorProto.DataType.INT8,
  uint8: onnx.TensorProto.DataType.UINT8,
  int16: onnx.TensorProto.DataType.INT16,
  uint16: onnx.TensorProto.DataType.UINT16,
  int32: onnx.TensorProto.DataType.INT32,
};

const ARRAYS = {
  float: Float32Array,
  double: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
} as const;

/** The ONNX `TensorProto.DataType` number of an element type. */
export function tensorType(type: ElementType): number {
  return TENSOR_TYPES[type];
}

/** An attribute value: a float, an integer (`{ int }`) or a string. */
export type AttributeValue = number | { int: number } | string;

/**
 * Collects the nodes and initializers of one ONNX graph, naming every value uniquely (ONNX wants
 * single assignment), so that the layer emitters only say what they compute.
 */
export class OnnxGraphBuilder {
  readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private readonly taken = new Set<string>();

  /** A name not used yet, from `base` (`base`, then `base_1`, `base_2`, ...). */
  fresh(base: string): string {
    let name = base;
    for (let index = 1; this.taken.has(name); index++) name = `${base}_${index}`;
    this.taken.add(name);
    return name;
  }

  /** A constant tensor; values are stored little-endian in `raw_data`, exactly as given. */
  constant(base: string, type: ElementType, dims: number[], values: ArrayLike<number>): string {
    const name = this.fresh(base);
    const array = ARRAYS[type].from(values);
    const size = dims.reduce((product, dim) => product * dim, 1);
    if (array.length !== size)
      throw new RangeError(
        `constant ${name}: ${array.length} values for shape [${dims.join(', ')}]`,
      );
    this.initializers.push(
      onnx.TensorProto.create({
        name,
        dataType: TENSOR_TYPES[type],
        dims,
        rawData: new Uint8Array(array.buffer, array.byteOffset, array.byteLength),
      }),
    );
    return name;
  }

  /** A scalar constant. */
  scalar(base: string, type: ElementType, value: number): string {
    return this.constant(base, type, [], [value]);
  }

  /** Add a node computing `op` of `inputs` (an empty string skips an optional input); returns its output's name. */
  node(
    op: string,
    base: string,
    inputs: string[],
    attributes: Record<string, AttributeValue> = {},
  ): string {
    const output = this.fresh(base);
    this.nodes.push(
      onnx.NodeProto.create({
        opType: op,
        name: this.fresh(`${base}/${op}`),
        input: inputs,
        output: [output],
        attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
      }),
    );
    return output;
  }
}

function attribute(name: string, value: AttributeValue) {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'string')
    return onnx.AttributeProto.create({
      name,
      type: AttributeType.STRING,
      s: new TextEncoder().encode(value),
    });
  if (typeof value === 'number')
    return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value });
  return onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value.int });
}

/** A float tensor of shape `[batch, width]` (batch a symbolic dimension), for inputs and outputs. */
export function rowsValue(name: string, width: number) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: TENSOR_TYPES.float,
        shape: { dim: [{ dimParam: 'batch' }, { dimValue: width }] },
      },
    },
  });
}
