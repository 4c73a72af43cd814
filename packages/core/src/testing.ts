/**
 * @machop/core/testing: conformance suites that every model, data set and engine entry,
 * built-in or third-party, runs in vitest. Call them at the top level of a test file.
 *
 * Models run their suite from `@machop/trainer/testing`, which takes the training step with the
 * trainer's engine.
 *
 * @example
 * import { describeDatasetConformance } from '@machop/core/testing';
 * import plugin from '../src/index.js';
 * describeDatasetConformance('my-jets', { plugins: [plugin] });
 *
 * @packageDocumentation
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { countLayerParams, countWeights } from './layer-params.js';
import { loadModel, saveModel } from './model-io.js';
import { loadPlugins, type PluginSpec } from './plugin.js';
import { createRandom } from './random.js';
import { getRegistry } from './registry.js';
import * as tf from '@machop/core/tf';
import type { DataShape, OptionValues, SplitOptions, TabularDataset } from './types.js';

export {
  describeEngineConformance,
  type EngineConformanceOptions,
  type EngineConformanceRequest,
} from './engine-conformance.js';

/** Options of {@link describeModelConformance}. */
export interface ModelConformanceOptions {
  /** Plugins to load first (the one providing the model). */
  plugins?: readonly PluginSpec[];
  /** Shapes to build the model for. Default: JSC's 16 features / 5 classes, and 7 / 3. */
  shapes?: readonly DataShape[];
  /** The model's options. */
  options?: OptionValues;
  /** Compute backend; default as {@link initBackend} chooses. */
  backend?: string;
  /**
   * Training steps as a trainer takes them: update `model`'s weights from a batch, `steps` times.
   * The suite checks that they lower the loss. `@machop/trainer/testing` passes the trainer's
   * own; use its `describeModelConformance`. Without it the check uses `tf.train.adam`, which
   * passes models that `ch train` cannot train (see {@link describeModelConformance}).
   */
  trainSteps?: TrainSteps;
}

/** One batch for {@link TrainSteps}: `size` rows of `features` values and their class labels. */
export interface TrainBatch extends DataShape {
  x: Float32Array;
  y: Int32Array;
  size: number;
}

/**
 * Update a model's weights with `steps` optimizer steps on one batch, as a trainer does
 * (including setting the step seed before each step, for seeded dropout).
 */
export type TrainSteps = (
  model: tf.LayersModel,
  batch: TrainBatch,
  steps: number,
) => void | Promise<void>;

/**
 * Steps of the training check. One step can raise the inference-mode loss of a model with
 * dropout or batch norm (the step follows a dropped-out, batch-normalised loss, and moves the
 * running statistics); a few steps on one batch lower it for any model that trains.
 */
export const CONFORMANCE_STEPS = 5;

/**
 * The model's loss on a fixed batch, in inference mode (as validation measures it), before and
 * after {@link CONFORMANCE_STEPS} training steps on that batch: the check behind the suite's
 * "lowers the loss". Exported so that a trainer can test the steps it passes as
 * {@link ModelConformanceOptions.trainSteps}.
 */
export async function lossAroundTraining(
  model: tf.LayersModel,
  shape: DataShape,
  trainSteps: TrainSteps = adamSteps,
): Promise<{ before: number; after: number }> {
  const size = 32;
  const { x, y } = batch(shape, size, 5);
  try {
    const lossOf = (): number =>
      tf.tidy(
        () =>
          tf.losses
            .softmaxCrossEntropy(y, model.apply(x, { training: false }) as tf.Tensor)
            .dataSync()[0],
      );
    const before = lossOf();
    const labels = Int32Array.from({ length: size }, (_, index) => index % shape.classes);
    const batchData = { ...shape, x: x.dataSync() as Float32Array, y: labels, size };
    await trainSteps(model, batchData, CONFORMANCE_STEPS);
    return { before, after: lossOf() };
  } finally {
    tf.dispose([x, y]);
  }
}

// What the suite did before trainers could pass their own step; kept for suites run without one.
function adamSteps(model: tf.LayersModel, batch: TrainBatch, steps: number): void {
  const x = tf.tensor2d(batch.x, [batch.size, batch.features]);
  const y = tf.oneHot(tf.tensor1d(batch.y, 'int32'), batch.classes);
  const optimizer = tf.train.adam(1e-3);
  for (let step = 0; step < steps; step++)
    tf.tidy(() => {
      optimizer.minimize(() =>
        tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: false }) as tf.Tensor),
      );
    });
  optimizer.dispose();
  tf.dispose([x, y]);
}

function batch(shape: DataShape, size: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const next = createRandom(seed);
  const x = Float32Array.from({ length: size * shape.features }, () => next() * 4 - 2);
  const labels = Int32Array.from({ length: size }, (_, index) => index % shape.classes);
  return {
    x: tf.tensor2d(x, [size, shape.features]),
    y: tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), shape.classes), 'float32') as tf.Tensor2D,
  };
}

/**
 * Check a registered model: it builds for each shape with the right input and output shapes,
 * has the trainable parameter count its entry declares (and its layer list implies), gives the
 * same weights for the same seed, lowers the loss with a few training steps, and survives a
 * save/load round trip in the tfjs layout with identical outputs.
 *
 * Run it from `@machop/trainer/testing`, which passes the trainer's steps as `trainSteps`: this
 * package cannot depend on the trainer. Without `trainSteps` the training check uses
 * `tf.train.adam` in inference mode, which passes models that `ch train` cannot train (a layer
 * that misbehaves in training mode, weights the trainer's optimizer does not see); that
 * fallback is kept through the 0.x releases for suites written against it.
 */
export function describeModelConformance(
  name: string,
  options: ModelConformanceOptions = {},
): void {
  const shapes = options.shapes ?? [
    { features: 16, classes: 5 },
    { features: 7, classes: 3 },
  ];
  const modelOptions = options.options ?? {};
  const titleOptions =
    Object.keys(modelOptions).length > 0 ? ` with ${JSON.stringify(modelOptions)}` : '';
  describe(`model "${name}"${titleOptions} conformance`, () => {
    beforeAll(async () => {
      await initBackend(options.backend === undefined ? {} : { backend: options.backend });
      if (options.plugins) await loadPlugins(options.plugins);
    });

    for (const shape of shapes) {
      const label = `${shape.features} features, ${shape.classes} classes`;
      const build = (seed = 1) =>
        getRegistry()
          .models.get(name)
          .create({ ...shape, options: modelOptions, seed, tf });

      it(`builds with input [batch, ${shape.features}] and output [batch, ${shape.classes}] (${label})`, () => {
        const model = build();
        expect(model.inputs[0].shape).toEqual([null, shape.features]);
        expect(model.outputs[0].shape).toEqual([null, shape.classes]);
        const { x } = batch(shape, 8, 3);
        const output = model.predict(x) as tf.Tensor;
        expect(output.shape).toEqual([8, shape.classes]);
        expect(Array.from(output.dataSync()).every(Number.isFinite)).toBe(true);
        tf.dispose([x, output]);
        model.dispose();
      });

      it(`has the parameter counts its entry declares (${label})`, () => {
        const entry = getRegistry().models.get(name);
        const model = build();
        const trainable = countWeights(model.trainableWeights);
        if (entry.trainableParams)
          expect(trainable).toBe(entry.trainableParams({ ...shape, options: modelOptions }));
        if (entry.layers) {
          const implied = countLayerParams(
            entry.layers({ ...shape, options: modelOptions, seed: 1 }),
            shape.features,
          );
          expect(trainable).toBe(implied.trainable);
          expect(countWeights(model.nonTrainableWeights)).toBe(implied.nonTrainable);
        }
        model.dispose();
      });

      it(`gives identical weights for the same seed and different ones for another (${label})`, () => {
        const [a, b, c] = [build(7), build(7), build(8)];
        const values = (model: tf.LayersModel) =>
          model.getWeights().flatMap((weight) => Array.from(weight.dataSync()));
        expect(values(a)).toEqual(values(b));
        expect(values(a)).not.toEqual(values(c));
        [a, b, c].forEach((model) => model.dispose());
      });

      it(`lowers the loss with ${CONFORMANCE_STEPS} training steps of ${options.trainSteps ? 'the trainer' : 'tf.train.adam'} (${label})`, async () => {
        const model = build();
        try {
          const { before, after } = await lossAroundTraining(model, shape, options.trainSteps);
          expect(after).toBeLessThan(before);
        } finally {
          model.dispose();
        }
      });

      it(`round-trips through model.json + weights.bin with identical outputs (${label})`, async () => {
        const dir = await mkdtemp(path.join(os.tmpdir(), 'machop-conformance-'));
        try {
          const model = build();
          const { x } = batch(shape, 8, 9);
          const before = (model.predict(x) as tf.Tensor).dataSync();
          await saveModel(model, path.join(dir, 'checkpoint'));
          const loaded = await loadModel(path.join(dir, 'checkpoint'));
          const after = (loaded.predict(x) as tf.Tensor).dataSync();
          expect(Array.from(after)).toEqual(Array.from(before));
          model.dispose();
          loaded.dispose();
          x.dispose();
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    }
  });
}

/** Options of {@link describeDatasetConformance}. */
export interface DatasetConformanceOptions {
  /** Plugins to load first (the one providing the data set). */
  plugins?: readonly PluginSpec[];
  /** The data set's options (for example `{ data: 'file.csv', labelColumn: 'label' }`). */
  options?: OptionValues;
  split?: Partial<SplitOptions>;
  /** Cache folder to use; default a new temporary folder. */
  cacheDir?: string;
}

function columnStats(
  split: { x: Float32Array; size: number },
  features: number,
  column: number,
): { mean: number; std: number } {
  let sum = 0;
  let squares = 0;
  for (let row = 0; row < split.size; row++) {
    const value = split.x[row * features + column];
    sum += value;
    squares += value * value;
  }
  const mean = sum / split.size;
  return { mean, std: Math.sqrt(Math.max(0, squares / split.size - mean * mean)) };
}

function rowKeys(split: { x: Float32Array; size: number }, features: number): Set<string> {
  const keys = new Set<string>();
  for (let row = 0; row < split.size; row++)
    keys.add(split.x.subarray(row * features, (row + 1) * features).join(','));
  return keys;
}

/**
 * Check a registered data set: it loads with consistent shapes, labels in range and finite
 * features; train, validation and test are non-empty and disjoint; the scaler was fitted on
 * train (train columns have mean 0 and standard deviation 1); and loading twice with the same
 * seed gives identical splits.
 */
export function describeDatasetConformance(
  name: string,
  options: DatasetConformanceOptions = {},
): void {
  const split: SplitOptions = { seed: 42, testFraction: 0.2, valFraction: 0.1, ...options.split };
  describe(`dataset "${name}" conformance`, () => {
    let data: TabularDataset;
    let cacheDir: string;
    const load = () =>
      getRegistry()
        .datasets.get(name)
        .load({ options: options.options ?? {}, split, cacheDir, reporter: { info() {} } });

    beforeAll(async () => {
      if (options.plugins) await loadPlugins(options.plugins);
      cacheDir = options.cacheDir ?? (await mkdtemp(path.join(os.tmpdir(), 'machop-dataset-')));
      data = await load();
    });

    it('describes its features and classes consistently', () => {
      expect(data.featureNames).toHaveLength(data.features);
      expect(data.classNames).toHaveLength(data.classes);
      expect(data.classes).toBeGreaterThanOrEqual(2);
      expect(new Set(data.featureNames).size).toBe(data.features);
    });

    it('has non-empty splits of consistent sizes with labels in range and finite features', () => {
      for (const part of [data.train, data.validation, data.test]) {
        expect(part.size).toBeGreaterThan(0);
        expect(part.x).toBeInstanceOf(Float32Array);
        expect(part.y).toBeInstanceOf(Int32Array);
        expect(part.x.length).toBe(part.size * data.features);
        expect(part.y.length).toBe(part.size);
        expect(part.y.every((label) => label >= 0 && label < data.classes)).toBe(true);
        expect(part.x.every(Number.isFinite)).toBe(true);
      }
      expect(data.train.size + data.validation.size + data.test.size).toBe(
        data.source.rows - data.source.duplicatesDropped,
      );
    });

    it('keeps train, validation and test disjoint', () => {
      const train = rowKeys(data.train, data.features);
      const validation = rowKeys(data.validation, data.features);
      for (const key of rowKeys(data.test, data.features)) {
        expect(train.has(key)).toBe(false);
        expect(validation.has(key)).toBe(false);
      }
      for (const key of validation) expect(train.has(key)).toBe(false);
    });

    it('fits the scaler on the training rows only', () => {
      expect(data.scaler.mean).toHaveLength(data.features);
      expect(data.scaler.scale).toHaveLength(data.features);
      for (let column = 0; column < data.features; column++) {
        expect(data.scaler.scale[column]).toBeGreaterThan(0);
        const { mean, std } = columnStats(data.train, data.features, column);
        expect(Math.abs(mean)).toBeLessThan(1e-3);
        // A constant training column has scale 1 by convention and stays at 0.
        if (std > 0) expect(std).toBeCloseTo(1, 2);
      }
    });

    it('loads identically twice with the same seed', async () => {
      const again = await load();
      expect(again.train.y).toEqual(data.train.y);
      expect(again.test.x).toEqual(data.test.x);
      expect(again.scaler).toEqual(data.scaler);
    });
  });
}
