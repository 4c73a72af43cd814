import { CheckpointError, tf, type LayersModel } from '@machop/core';
import type { Engine, NamedWeight, StepResult, TrainTotals } from './engine.js';
import { TfjsOptimizer, type OptimizerSettings, type OptimizerState } from './optimizer.js';

function evaluateModel(
  model: LayersModel,
  features: number,
  classes: number,
  x: Float32Array,
  size: number,
  logits: Float32Array,
): void {
  tf.tidy(() => {
    // apply() on our own batch, not predict(all, {batchSize}): on wasm that slices a whole-split tensor per batch.
    const output = model.apply(tf.tensor2d(x.subarray(0, size * features), [size, features]), {
      training: false,
    }) as tf.Tensor;
    logits.set(output.dataSync<'float32'>().subarray(0, size * classes));
  });
}

/** Copies of a model's weights, trainable and not, by their tfjs names, in the model's order. */
export function weightsOf(model: LayersModel): NamedWeight[] {
  return model.weights.map((weight) => {
    const value = weight.read();
    return {
      name: weight.originalName,
      shape: [...value.shape],
      values: value.dataSync<'float32'>().slice(),
    };
  });
}

/**
 * Set every weight of `model` from `weights` by name. A missing name or another shape is a
 * {@link CheckpointError} naming `source` (the weights belong to another model).
 */
export function setModelWeights(
  model: LayersModel,
  weights: readonly NamedWeight[],
  source: string,
): void {
  const byName = new Map(weights.map((weight) => [weight.name, weight]));
  const tensors = model.weights.map((weight) => {
    const given = byName.get(weight.originalName);
    const shape = weight.shape.join('x');
    if (!given || given.shape.join('x') !== shape)
      throw new CheckpointError(
        `${source} has no weight ${weight.originalName} of shape [${weight.shape.join(', ')}]; it belongs to another model or model options`,
      );
    return tf.tensor(given.values, given.shape);
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/**
 * The tfjs {@link Engine}: a custom step (gradients and update inside one `tf.tidy`), which
 * measured up to 1.7x faster than `model.fit`. Batch tensors are built from the loop's typed
 * arrays, never sliced out of an epoch tensor (on wasm a slice copies the whole tensor).
 */
export class TfjsEngine implements Engine {
  readonly features: number;
  readonly classes: number;
  private readonly optimizer: TfjsOptimizer;
  private readonly variables: tf.Variable[];
  private stats: tf.Tensor | undefined;
  /** [loss sum, correct count] since the last reset, kept on the device to avoid a read per step. */
  private totals: tf.Tensor;
  private samples = 0;

  constructor(
    private readonly model: LayersModel,
    optimizer: OptimizerSettings,
  ) {
    const input = model.inputs[0].shape;
    const output = model.outputs[0].shape;
    this.features = input[input.length - 1] ?? 0;
    this.classes = output[output.length - 1] ?? 0;
    this.variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    this.optimizer = new TfjsOptimizer(this.variables, optimizer);
    this.totals = tf.zeros([2]);
  }

  get learningRate(): number {
    return this.optimizer.learningRate;
  }

  set learningRate(value: number) {
    this.optimizer.learningRate = value;
  }

  step(x: Float32Array, y: Int32Array, size: number): StepResult {
    this.stats?.dispose();
    const stats = tf.tidy(() => {
      const inputs = tf.tensor2d(x.subarray(0, size * this.features), [size, this.features]);
      const labels = tf.tensor1d(y.subarray(0, size), 'int32');
      const targets = tf.oneHot(labels, this.classes);
      let correct: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const logits = this.model.apply(inputs, { training: true }) as tf.Tensor;
        // Kept past variableGrads' own tidy; disposed by hand below.
        correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')));
        return tf.losses.softmaxCrossEntropy(targets, logits);
      }, this.variables);
      this.optimizer.apply(this.variables.map((variable) => grads[variable.name]));
      const stepStats = tf.stack([tf.mul(value, size), correct!]);
      correct!.dispose();
      const previous = this.totals;
      this.totals = tf.keep(tf.add(previous, stepStats));
      previous.dispose();
      return stepStats;
    });
    this.samples += size;
    this.stats = stats;
    let values: Float32Array | undefined;
    const read = (): Float32Array => {
      if (values) return values;
      if (stats.isDisposed)
        throw new Error('a step result was read after the next step; read it in onBatchEnd');
      values = stats.dataSync<'float32'>();
      return values;
    };
    return { loss: () => read()[0] / size, accuracy: () => read()[1] / size };
  }

  evaluate(x: Float32Array, size: number, logits: Float32Array): void {
    evaluateModel(this.model, this.features, this.classes, x, size, logits);
  }

  readTotals(): TrainTotals {
    const [loss, correct] = this.totals.dataSync();
    return { loss, correct, samples: this.samples };
  }

  resetTotals(totals: TrainTotals = { loss: 0, correct: 0, samples: 0 }): void {
    this.totals.dispose();
    this.totals = tf.tensor1d([totals.loss, totals.correct]);
    this.samples = totals.samples;
  }

  getWeights(): NamedWeight[] {
    return weightsOf(this.model);
  }

  setWeights(weights: readonly NamedWeight[], source = 'the given weights'): void {
    setModelWeights(this.model, weights, source);
  }

  getOptimizerState(): OptimizerState {
    return this.optimizer.getState();
  }

  setOptimizerState(state: OptimizerState, source: string): void {
    this.optimizer.setState(state, source);
  }

  dispose(): void {
    this.stats?.dispose();
    this.stats = undefined;
    this.totals.dispose();
    this.optimizer.dispose();
  }
}
