import { CheckpointError, tf, type OptimizerSettings, type OptimizerState } from '@machop/core';
import { OPTIMIZER_DEFAULTS } from '@machop/engine-fused';

// The contract's value types are core's; re-exported under the trainer's older names.
export type { OptimizerSettings, OptimizerState, NamedWeight as StateArray } from '@machop/core';

// One source for both engines (see @machop/engine-fused's OPTIMIZER_DEFAULTS).
const { beta1: BETA1, beta2: BETA2, epsilon: EPSILON } = OPTIMIZER_DEFAULTS;

/**
 * Adam, AdamW and SGD with PyTorch's update rules, written with tfjs ops. Unlike tfjs' own
 * optimizers it applies weight decay to every kind, reads `learningRate` at each update, and
 * owns its state as named arrays so a checkpoint can restore it exactly.
 */
export class TfjsOptimizer {
  /** Read at every update: set it to change the rate (the schedule does, once per epoch). */
  learningRate: number;
  private iterations = 0;
  private readonly slots: tf.Variable[][];
  private readonly nesterov: boolean;
  private readonly constants: Record<
    'beta1' | 'oneMinusBeta1' | 'beta2' | 'oneMinusBeta2' | 'epsilon' | 'momentum',
    tf.Scalar
  >;

  constructor(
    private readonly variables: readonly tf.Variable[],
    private readonly settings: OptimizerSettings,
  ) {
    this.learningRate = settings.learningRate;
    const momentum = settings.momentum ?? OPTIMIZER_DEFAULTS.momentum;
    this.nesterov = settings.nesterov ?? OPTIMIZER_DEFAULTS.nesterov;
    const slotCount = settings.kind === 'sgd' ? (momentum > 0 ? 1 : 0) : 2;
    this.constants = {
      beta1: tf.scalar(BETA1),
      oneMinusBeta1: tf.scalar(1 - BETA1),
      beta2: tf.scalar(BETA2),
      oneMinusBeta2: tf.scalar(1 - BETA2),
      epsilon: tf.scalar(EPSILON),
      momentum: tf.scalar(momentum),
    };
    this.slots = variables.map((variable) =>
      Array.from({ length: slotCount }, () =>
        tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
      ),
    );
  }

  private slotNames(): string[] {
    return this.settings.kind === 'sgd' ? ['momentum'] : ['m', 'v'];
  }

  /** Apply one update; `gradients[i]` belongs to the i-th variable. */
  apply(gradients: readonly tf.Tensor[]): void {
    this.iterations += 1;
    const { kind, weightDecay } = this.settings;
    const rate = this.learningRate;
    tf.tidy(() => {
      // Scalars shared by every variable of this update: each JS number an op meets becomes a tensor upload.
      const constants = this.constants;
      const decay =
        weightDecay > 0
          ? tf.scalar(kind === 'adamw' ? 1 - rate * weightDecay : weightDecay)
          : undefined;
      const step = kind === 'sgd' ? { rate: tf.scalar(rate) } : this.adamScalars(rate);
      this.variables.forEach((variable, index) => {
        let gradient = gradients[index];
        if (decay && kind === 'adamw') variable.assign(tf.mul(variable, decay));
        else if (decay) gradient = tf.add(gradient, tf.mul(variable, decay));
        const slots = this.slots[index];
        if ('correction2' in step) {
          const [first, second] = slots;
          const firstMoment = tf.add(
            tf.mul(first, constants.beta1),
            tf.mul(gradient, constants.oneMinusBeta1),
          );
          const secondMoment = tf.add(
            tf.mul(second, constants.beta2),
            tf.mul(tf.square(gradient), constants.oneMinusBeta2),
          );
          first.assign(firstMoment);
          second.assign(secondMoment);
          const denominator = tf.add(
            tf.div(tf.sqrt(secondMoment), step.correction2),
            constants.epsilon,
          );
          variable.assign(tf.sub(variable, tf.mul(tf.div(firstMoment, denominator), step.rate)));
          return;
        }
        let direction = gradient;
        if (slots.length > 0) {
          const buffer = tf.add(tf.mul(slots[0], constants.momentum), gradient);
          slots[0].assign(buffer);
          direction = this.nesterov ? tf.add(gradient, tf.mul(buffer, constants.momentum)) : buffer;
        }
        variable.assign(tf.sub(variable, tf.mul(direction, step.rate)));
      });
    });
  }

  /** Adam's bias-corrected step size lr / (1 - beta1^t) and denominator correction sqrt(1 - beta2^t). */
  private adamScalars(rate: number): { rate: tf.Scalar; correction2: tf.Scalar } {
    return {
      rate: tf.scalar(rate / (1 - BETA1 ** this.iterations)),
      correction2: tf.scalar(Math.sqrt(1 - BETA2 ** this.iterations)),
    };
  }

  /** A copy of the state, read from the device. */
  getState(): OptimizerState {
    const names = this.slotNames();
    const arrays = this.slots.flatMap((slots, index) =>
      slots.map((slot, slotIndex) => ({
        name: `${index}/${names[slotIndex]}`,
        shape: [...slot.shape],
        values: slot.dataSync<'float32'>().slice(),
      })),
    );
    return { kind: this.settings.kind, iterations: this.iterations, arrays };
  }

  /**
   * Restore a state saved by {@link getState}. Throws {@link CheckpointError} when it belongs
   * to another optimizer or to weights of other shapes.
   */
  setState(state: OptimizerState, source: string): void {
    const expected = this.slots.flatMap((slots) => slots);
    const names = this.slotNames();
    if (state.kind !== this.settings.kind) {
      throw new CheckpointError(
        `${source} holds ${state.kind} optimizer state, but this run uses ${this.settings.kind}; resume with optimizer ${state.kind}`,
      );
    }
    if (state.arrays.length !== expected.length) {
      throw new CheckpointError(
        `${source} holds ${state.arrays.length} optimizer arrays, but the model needs ${expected.length}; it belongs to another model`,
      );
    }
    expected.forEach((slot, position) => {
      const array = state.arrays[position];
      const name = `${Math.floor(position / names.length)}/${names[position % names.length]}`;
      if (
        array.name !== name ||
        array.shape.join('x') !== slot.shape.join('x') ||
        array.values.length !== slot.size
      ) {
        throw new CheckpointError(
          `${source}: optimizer array ${position} is ${array.name} [${array.shape.join(', ')}], expected ${name} [${slot.shape.join(', ')}]; it belongs to another model`,
        );
      }
    });
    expected.forEach((slot, position) => {
      tf.tidy(() => slot.assign(tf.tensor(state.arrays[position].values, slot.shape)));
    });
    this.iterations = state.iterations;
  }

  dispose(): void {
    tf.dispose(this.slots.flat());
    tf.dispose(Object.values(this.constants));
  }
}
