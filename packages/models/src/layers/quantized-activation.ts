import { ModelError, type QuantSpec, type Tf } from '@machop/core/base';
import type { Tensor, layers, serialization } from '@machop/core/tf';
import { fakeQuantize } from './fake-quantize.js';

/** Constructor arguments of tfjs' `Activation` layer (`tf.layers.activation`). */
export type ActivationArgs = Parameters<Tf['layers']['activation']>[0];

/** Constructor arguments of a quantized activation: tfjs' own, plus the layer's {@link QuantSpec}. */
export interface QuantizedActivationArgs extends ActivationArgs {
  /** Fake quantization of the input (`dataIn`, unsigned); only a ReLU takes one. */
  quant?: QuantSpec;
}

/**
 * The class of an activation layer whose ReLU quantizes its input, as MASE's `relu_integer`
 * does, built from the tfjs namespace `tf` (so that importing this package does not load tfjs).
 * The input is quantized unsigned (`[0, 2^width - 1]` steps, negatives to 0) with `dataIn`'s
 * format, always rounding half to even (MASE's ReLU ignores `floor`); a ReLU has no weight or bias
 * and its output is not quantized, so the other fields of the spec are not used. It is tfjs' own `Activation` (class name, config) plus a `quant` entry
 * in its config, so plain tfjs loads a checkpoint as the float model. Without `quant` it is
 * exactly tfjs' Activation.
 */
export function quantizedActivationClass(tf: Tf): QuantizedActivationClass {
  const TfjsActivation = tf.layers.activation({ activation: 'linear' }).constructor as (new (
    args: ActivationArgs,
  ) => layers.Layer) &
    Pick<typeof layers.Layer, 'fromConfig'>;

  class QuantizedActivation extends TfjsActivation {
    static className = 'Activation';
    /** The layer's fake quantization; undefined for a float layer. */
    readonly quant: QuantSpec | undefined;

    constructor(args: QuantizedActivationArgs) {
      const { quant, ...activation } = args;
      super(activation);
      this.quant = quant === null ? undefined : quant;
      if (this.quant !== undefined && activation.activation !== 'relu')
        throw new ModelError(
          `layer ${String(args.name)}: only a relu activation can be quantized (MASE quantizes a ReLU's input); got ${String(activation.activation)}`,
        );
    }

    override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor | Tensor[] {
      const format = this.quant?.dataIn;
      if (format === undefined) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const input = Array.isArray(inputs) ? inputs[0] : inputs;
        return super.call(fakeQuantize(tf, input, format, { unsigned: true }), kwargs);
      });
    }

    override getConfig(): serialization.ConfigDict {
      const config = super.getConfig();
      return this.quant === undefined
        ? config
        : { ...config, quant: { ...this.quant } as serialization.ConfigDict };
    }
  }
  return QuantizedActivation;
}

/** A layer built by {@link quantizedActivationClass}: a tfjs layer with its {@link QuantSpec}. */
export interface QuantizedActivation extends layers.Layer {
  /** The layer's fake quantization; undefined for a float layer. */
  readonly quant: QuantSpec | undefined;
}

/** The class {@link quantizedActivationClass} builds, as tfjs' serialization registers it. */
export type QuantizedActivationClass = serialization.SerializableConstructor<QuantizedActivation> &
  (new (args: QuantizedActivationArgs) => QuantizedActivation);
