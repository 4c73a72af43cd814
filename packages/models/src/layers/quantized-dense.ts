import type { QuantSpec, Tf } from '@machop/core/base';
import type { LayerVariable, Tensor, layers, serialization } from '@machop/core/tf';
import { fakeQuantize } from './fake-quantize.js';

/** Constructor arguments of tfjs' `Dense` layer (`tf.layers.dense`). */
export type DenseArgs = Parameters<Tf['layers']['dense']>[0];

/** Constructor arguments of a quantized dense layer: tfjs' own, plus the layer's {@link QuantSpec}. */
export interface QuantizedDenseArgs extends DenseArgs {
  /** Fake quantization of the input, kernel, bias and (when `dataOut` is given) output. */
  quant?: QuantSpec;
}

/** The fields of tfjs' Dense this layer reads (they are private in its types). */
interface DenseState {
  kernel: LayerVariable;
  bias: LayerVariable | null;
  units: number;
  activation: { apply(tensor: Tensor): Tensor } | null;
}

/**
 * The class of a dense layer with MASE's fake quantization, built from the tfjs namespace `tf`
 * (so that importing this package does not load tfjs). It is tfjs' own `Dense` with the same
 * class name, config and weights (`kernel`, `bias`), plus a `quant` entry in its config: a
 * checkpoint keeps the tfjs layout, plain tfjs loads it as the float model (it ignores `quant`),
 * and Machop.ts, which registers this class under `Dense`, loads it quantized. Without `quant`
 * it is exactly tfjs' Dense.
 *
 * Quantized, the forward is `q(q(x) · q(kernel) + q(bias))` in float, each `q` the format's
 * integer quantizer and the outer one only with `dataOut`; gradients pass straight through.
 */
export function quantizedDenseClass(tf: Tf): QuantizedDenseClass {
  // tfjs does not export the class itself, only its factory.
  const TfjsDense = tf.layers.dense({ units: 1 }).constructor as (new (
    args: DenseArgs,
  ) => layers.Layer) &
    Pick<typeof layers.Layer, 'fromConfig'>;

  class QuantizedDense extends TfjsDense {
    static className = 'Dense';
    /** The layer's fake quantization; undefined for a float layer. */
    readonly quant: QuantSpec | undefined;

    constructor(args: QuantizedDenseArgs) {
      const { quant, ...dense } = args;
      super(dense);
      this.quant = quant === null ? undefined : quant;
    }

    override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor | Tensor[] {
      const quant = this.quant;
      if (quant === undefined) return super.call(inputs, kwargs);
      const state = this as unknown as DenseState;
      return tf.tidy(() => {
        const floor = quant.floor === true;
        const quantized = (tensor: Tensor, format: QuantSpec['dataIn']) =>
          format === undefined ? tensor : fakeQuantize(tf, tensor, format, { floor });
        const input = quantized(Array.isArray(inputs) ? inputs[0] : inputs, quant.dataIn);
        const kernel = quantized(state.kernel.read(), quant.weight);
        // Rows of any rank, as tfjs' Dense takes them: the last axis is the features.
        const rows = tf.reshape(input, [-1, input.shape[input.shape.length - 1]]);
        let output: Tensor = tf.matMul(rows, kernel);
        if (state.bias !== null) output = tf.add(output, quantized(state.bias.read(), quant.bias));
        if (input.shape.length !== 2)
          output = tf.reshape(output, [...input.shape.slice(0, -1), state.units]);
        if (state.activation !== null) output = state.activation.apply(output);
        return quantized(output, quant.dataOut);
      });
    }

    override getConfig(): serialization.ConfigDict {
      const config = super.getConfig();
      return this.quant === undefined
        ? config
        : { ...config, quant: { ...this.quant } as serialization.ConfigDict };
    }
  }
  return QuantizedDense;
}

/** A layer built by {@link quantizedDenseClass}: a tfjs layer with its {@link QuantSpec}. */
export interface QuantizedDense extends layers.Layer {
  /** The layer's fake quantization; undefined for a float layer. */
  readonly quant: QuantSpec | undefined;
}

/** The class {@link quantizedDenseClass} builds, as tfjs' serialization registers it. */
export type QuantizedDenseClass = serialization.SerializableConstructor<QuantizedDense> &
  (new (args: QuantizedDenseArgs) => QuantizedDense);
