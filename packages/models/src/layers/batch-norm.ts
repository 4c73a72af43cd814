import type { Tf } from '@machop/core/base';
import type { LayerVariable, Tensor, layers } from '@machop/core/tf';

/** Constructor arguments: those of `tf.layers.batchNormalization`. */
export type BatchNormArgs = Parameters<Tf['layers']['batchNormalization']>[0];

/** The fields of tfjs' BatchNormalization this layer reads (they are private in its types). */
interface BatchNormState {
  gamma: LayerVariable;
  beta: LayerVariable;
  movingMean: LayerVariable;
  movingVariance: LayerVariable;
  momentum: number;
  epsilon: number;
}

/** The class {@link pyTorchBatchNormClass} builds. */
export type PyTorchBatchNormClass = new (args?: BatchNormArgs) => layers.Layer;

/**
 * The class of a batch norm with PyTorch's running statistics, built from the tfjs namespace
 * `tf` (so that importing this package does not load tfjs). In training it normalises with the
 * batch mean and biased batch variance (as tfjs does) but moves the running variance toward the
 * UNBIASED batch variance, `var · n / (n − 1)`, as `nn.BatchNorm1d` does (tfjs uses the biased
 * one). A one-row batch leaves the running variance as it is (PyTorch refuses such a batch). The
 * fused engine keeps the same statistics, so the two engines agree.
 *
 * It saves as tfjs' own `BatchNormalization` (same class name, config and weights), so a
 * checkpoint loads in plain TensorFlow.js; loaded that way it behaves identically in inference.
 */
export function pyTorchBatchNormClass(tf: Tf): PyTorchBatchNormClass {
  // tfjs does not export the class itself, only its factory.
  const TfjsBatchNormalization = tf.layers.batchNormalization({}).constructor as new (
    args?: BatchNormArgs,
  ) => layers.Layer;

  return class PyTorchBatchNorm extends TfjsBatchNormalization {
    override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor | Tensor[] {
      if (kwargs.training !== true) return super.call(inputs, kwargs);
      const state = this as unknown as BatchNormState;
      return tf.tidy(() => {
        const input = Array.isArray(inputs) ? inputs[0] : inputs;
        const rows = input.shape[0] ?? 1;
        const { mean, variance } = tf.moments(input, 0);
        const output = tf.batchNorm(
          input,
          mean,
          variance,
          state.beta.read(),
          state.gamma.read(),
          state.epsilon,
        );
        // tfjs' momentum weighs the old value: new = old − (old − batch) · (1 − momentum).
        const move = (variable: LayerVariable, value: Tensor) =>
          tf.tidy(() => {
            const old = variable.read();
            variable.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - state.momentum)));
          });
        move(state.movingMean, mean);
        if (rows > 1) move(state.movingVariance, tf.mul(variance, rows / (rows - 1)));
        return output;
      });
    }
  };
}
