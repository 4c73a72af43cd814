import { ModelError, mixSeed, stepSeed, type Tf } from '@machop/core/base';
import type { Tensor, layers, serialization } from '@machop/core/tf';

/** Constructor arguments of {@link SeededDropout}. */
export interface SeededDropoutArgs {
  /** Fraction of inputs zeroed in training, in `[0, 1)`. */
  rate: number;
  /** The layer's own seed; each training step mixes it with core's `stepSeed()`. */
  seed: number;
  /** Layer name; tfjs picks one when left out. */
  name?: string;
}

/** A dropout layer built by {@link seededDropoutClass}. */
export interface SeededDropout extends layers.Layer {
  readonly rate: number;
  readonly seed: number;
}

/** The class {@link seededDropoutClass} builds. */
export type SeededDropoutClass = new (args: SeededDropoutArgs) => SeededDropout;

/**
 * The class of an inverted dropout (as PyTorch's `nn.Dropout`: keep with probability `1 - rate`,
 * scale kept values by `1 / (1 - rate)`) whose mask is a function of the layer seed and the step
 * seed that the trainer sets before each step, built from the tfjs namespace `tf` (so that
 * importing this package does not load tfjs). tfjs' own dropout draws from an unseeded
 * generator, which would make two runs with the same seed differ; this one repeats exactly, and
 * differs from step to step. Identity outside training.
 */
export function seededDropoutClass(tf: Tf): SeededDropoutClass {
  return class SeededDropout extends tf.layers.Layer {
    /**
     * The name tfjs writes into `model.json`: tfjs' own `Dropout`, whose config (`rate`, `seed`)
     * this layer's equals, so a checkpoint loads in plain TensorFlow.js (`tf.loadLayersModel`)
     * with no Machop.ts code. Dropout is the identity in inference, so nothing is lost; Machop.ts
     * never trains a loaded model directly (it copies the weights into a freshly built one).
     */
    static className = 'Dropout';
    readonly rate: number;
    readonly seed: number;

    constructor(args: SeededDropoutArgs) {
      super(args.name === undefined ? {} : { name: args.name });
      if (!(typeof args.rate === 'number' && args.rate >= 0 && args.rate < 1)) {
        throw new ModelError(
          `dropout rate must be at least 0 and below 1; got ${String(args.rate)}`,
        );
      }
      this.rate = args.rate;
      this.seed = args.seed >>> 0;
      this.supportsMasking = true;
    }

    override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor {
      const input = Array.isArray(inputs) ? inputs[0] : inputs;
      // The input itself, as tfjs' own Dropout returns it outside training: no op, no copy.
      if (kwargs.training !== true || this.rate === 0) return input;
      return tf.tidy(() => {
        const uniform = tf.randomUniform(
          input.shape,
          0,
          1,
          'float32',
          mixSeed(this.seed, stepSeed()),
        );
        const mask = tf.div(tf.cast(tf.greaterEqual(uniform, this.rate), 'float32'), 1 - this.rate);
        return tf.mul(input, mask);
      });
    }

    override getConfig(): serialization.ConfigDict {
      return { ...super.getConfig(), rate: this.rate, seed: this.seed };
    }
  };
}
