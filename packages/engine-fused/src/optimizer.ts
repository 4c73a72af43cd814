import { CheckpointError, ConfigError } from '@machop/core';
import { OPTIMIZER_DEFAULTS } from './optimizer-defaults.js';
import type { NamedArray, OptimizerSettings, OptimizerState } from './types.js';

const { beta1: BETA1, beta2: BETA2, epsilon: EPSILON } = OPTIMIZER_DEFAULTS;

/**
 * Adam, AdamW and SGD (momentum, Nesterov) with the update rules of the trainer's tfjs
 * optimizer (PyTorch's): weight decay as L2 on the gradient for `adam` and `sgd`, decoupled for
 * `adamw`; the learning rate is read at every update. State arrays are named and ordered as the
 * trainer names them (`i/m`, `i/v`, `i/momentum`), so a checkpoint's optimizer.bin is shared.
 */
export class FusedOptimizer {
  /** Read at every update. */
  learningRate: number;
  private iterations = 0;
  private readonly slots: Float32Array[][];
  private readonly momentum: number;
  private readonly nesterov: boolean;

  private parameters: readonly Float32Array[];
  private readonly shapes: readonly number[][];

  /** `weights` are the trainable weights in order; the optimizer updates their arrays in place. */
  constructor(
    weights: readonly Pick<NamedArray, 'shape' | 'values'>[],
    private readonly settings: OptimizerSettings,
  ) {
    this.parameters = weights.map((weight) => weight.values);
    this.shapes = weights.map((weight) => [...weight.shape]);
    if (!['adam', 'adamw', 'sgd'].includes(settings.kind))
      throw new ConfigError(
        `optimizer ${JSON.stringify(settings.kind)} is not one of adam, adamw, sgd`,
      );
    this.learningRate = settings.learningRate;
    this.momentum = settings.momentum ?? OPTIMIZER_DEFAULTS.momentum;
    this.nesterov = settings.nesterov ?? OPTIMIZER_DEFAULTS.nesterov;
    const slotCount = settings.kind === 'sgd' ? (this.momentum > 0 ? 1 : 0) : 2;
    this.slots = this.parameters.map((parameter) =>
      Array.from({ length: slotCount }, () => new Float32Array(parameter.length)),
    );
  }

  /** Update these arrays from now on (the same weights, in views that replaced the old ones). */
  bind(parameters: readonly Float32Array[]): void {
    this.parameters = parameters;
  }

  private slotNames(): string[] {
    return this.settings.kind === 'sgd' ? ['momentum'] : ['m', 'v'];
  }

  /** Apply one update; `gradients[i]` belongs to the i-th parameter and may be changed. */
  apply(gradients: readonly Float32Array[]): void {
    this.iterations += 1;
    const { kind, weightDecay } = this.settings;
    const rate = this.learningRate;
    if (kind === 'sgd') {
      for (let index = 0; index < this.parameters.length; index++)
        this.sgd(this.parameters[index], gradients[index], this.slots[index], rate, weightDecay);
      return;
    }
    const stepRate = rate / (1 - BETA1 ** this.iterations);
    const correction = Math.sqrt(1 - BETA2 ** this.iterations);
    const decay = kind === 'adamw' ? 1 - rate * weightDecay : weightDecay;
    for (let index = 0; index < this.parameters.length; index++) {
      const parameter = this.parameters[index];
      const gradient = gradients[index];
      const [first, second] = this.slots[index];
      for (let at = 0; at < parameter.length; at++) {
        let value = parameter[at];
        let grad = gradient[at];
        if (weightDecay > 0) {
          if (kind === 'adamw') value = Math.fround(value * decay);
          else grad += value * decay;
        }
        const m = BETA1 * first[at] + (1 - BETA1) * grad;
        const v = BETA2 * second[at] + (1 - BETA2) * grad * grad;
        first[at] = m;
        second[at] = v;
        parameter[at] =
          value - (Math.fround(m) / (Math.sqrt(Math.fround(v)) / correction + EPSILON)) * stepRate;
      }
    }
  }

  private sgd(
    parameter: Float32Array,
    gradient: Float32Array,
    slots: Float32Array[],
    rate: number,
    weightDecay: number,
  ): void {
    const momentum = this.momentum;
    const buffer = slots[0] as Float32Array | undefined;
    for (let at = 0; at < parameter.length; at++) {
      let grad = gradient[at];
      if (weightDecay > 0) grad += parameter[at] * weightDecay;
      let direction = grad;
      if (buffer) {
        const next = Math.fround(buffer[at] * momentum + grad);
        buffer[at] = next;
        direction = this.nesterov ? grad + next * momentum : next;
      }
      parameter[at] -= direction * rate;
    }
  }

  /** A copy of the state. */
  getState(): OptimizerState {
    const names = this.slotNames();
    const arrays: NamedArray[] = this.slots.flatMap((slots, index) =>
      slots.map((slot, slotIndex) => ({
        name: `${index}/${names[slotIndex]}`,
        shape: [...this.shapes[index]],
        values: slot.slice(),
      })),
    );
    return { kind: this.settings.kind, iterations: this.iterations, arrays };
  }

  /**
   * Restore a state saved by {@link getState} or by the trainer's tfjs optimizer (shapes are
   * compared by size: the engine keeps every weight flat). Throws {@link CheckpointError} for a
   * state of another optimizer or model.
   */
  setState(state: OptimizerState, source: string): void {
    const expected = this.slots.flat();
    const names = this.slotNames();
    if (state.kind !== this.settings.kind)
      throw new CheckpointError(
        `${source} holds ${state.kind} optimizer state, but this run uses ${this.settings.kind}; resume with optimizer ${state.kind}`,
      );
    if (state.arrays.length !== expected.length)
      throw new CheckpointError(
        `${source} holds ${state.arrays.length} optimizer arrays, but the model needs ${expected.length}; it belongs to another model`,
      );
    expected.forEach((slot, position) => {
      const array = state.arrays[position];
      const name = `${Math.floor(position / names.length)}/${names[position % names.length]}`;
      if (array.name !== name || array.values.length !== slot.length)
        throw new CheckpointError(
          `${source}: optimizer array ${position} is ${array.name} with ${array.values.length} values, expected ${name} with ${slot.length}; it belongs to another model`,
        );
    });
    expected.forEach((slot, position) => slot.set(state.arrays[position].values));
    this.iterations = state.iterations;
  }
}
