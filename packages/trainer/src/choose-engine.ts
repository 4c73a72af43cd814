import {
  ConfigError,
  type LayerSpec,
  type LayersModel,
  type ModelEntry,
  type OptionValues,
  type Registered,
  type DataShape,
} from '@machop/core';
import { availableParallelism } from 'node:os';
import {
  FusedEngine,
  planModel,
  suggestEvaluationThreads,
  suggestThreads,
  unsupportedReason,
} from '@machop/engine-fused';
import type { Engine } from './engine.js';
import type { OptimizerSettings } from './optimizer.js';
import { optionLabel, type EngineChoice, type ThreadsChoice } from './options.js';
import { TfjsEngine, weightsOf } from './tfjs-engine.js';

/** The engine a run got, and why, as config.json records it. */
export interface EngineRecord {
  requested: EngineChoice;
  used: 'tfjs' | 'fused';
  /** Why `auto` fell back to tfjs; null otherwise. */
  reason: string | null;
  /** Threads the engine trains on (tfjs: 1); of an evaluation alone, those it evaluates on. */
  threads: number;
  /** Threads the engine evaluates on: validation and test batches are split over them (tfjs: 1). */
  evaluationThreads: number;
}

/** Why the fused engine cannot run this model, or undefined with its layer list when it can. */
function fusedLayers(
  entry: Registered<ModelEntry>,
  shape: DataShape,
  options: OptionValues,
  seed: number,
): { layers: LayerSpec[]; reason?: undefined } | { layers?: undefined; reason: string } {
  if (!entry.layers)
    return {
      reason: `model "${entry.name}" (plugin ${entry.plugin}) has no layer list, only a tfjs model`,
    };
  const layers = entry.layers({ ...shape, options, seed });
  const reason = unsupportedReason(layers);
  return reason === undefined ? { layers } : { reason: `model "${entry.name}": ${reason}` };
}

/**
 * Make the engine a run asked for. `fused` runs the model's layer list on `@machop/engine-fused`
 * (and is a {@link ConfigError} when it cannot); `tfjs` runs `model`; `auto` takes the fused
 * engine when the model has a layer list it supports, else tfjs, with the reason. The fused
 * engine starts from `model`'s weights, so both engines start equal. `threads` (default 1)
 * applies to the fused engine, to training and evaluation alike: `auto` asks its `suggestThreads`
 * for this batch size and machine, and evaluates on two threads from two cores on (inference
 * splits large batches, at no cost to the results); 2 with an engine that ends up tfjs is a
 * {@link ConfigError}.
 */
export function chooseEngine(
  choice: EngineChoice,
  input: {
    entry: Registered<ModelEntry>;
    shape: DataShape;
    modelOptions: OptionValues;
    seed: number;
    model: LayersModel;
    optimizer: OptimizerSettings;
    threads?: ThreadsChoice;
    batchSize?: number;
    /** The engine only evaluates: no training threads, `threads` applies to evaluation. */
    evaluationOnly?: boolean;
  },
): { engine: Engine; record: EngineRecord } {
  const { entry, shape, modelOptions, seed, model, optimizer } = input;
  const threads = input.threads ?? 1;
  let reason: string | null = null;
  if (choice !== 'tfjs') {
    const fused = fusedLayers(entry, shape, modelOptions, seed);
    if (fused.layers) {
      const cores = availableParallelism();
      const count =
        threads === 'auto'
          ? suggestThreads(planModel(fused.layers, { ...shape, seed }), input.batchSize ?? 1, cores)
          : threads;
      const evaluationThreads = threads === 'auto' ? suggestEvaluationThreads(cores) : threads;
      const engine = new FusedEngine({
        layers: fused.layers,
        ...shape,
        seed,
        optimizer,
        threads: input.evaluationOnly ? 1 : count,
        evaluationThreads,
      });
      engine.setWeights(weightsOf(model), `the tfjs model of ${entry.name}`);
      return {
        engine,
        record: {
          requested: choice,
          used: 'fused',
          reason: null,
          threads: input.evaluationOnly ? evaluationThreads : count,
          evaluationThreads,
        },
      };
    }
    if (choice === 'fused')
      throw new ConfigError(
        `engine "fused" cannot run this model: ${fused.reason}; use --engine tfjs or auto`,
      );
    reason = fused.reason;
  }
  if (threads === 2)
    throw new ConfigError(
      `${optionLabel('threads')} 2 needs the fused engine, but this run uses tfjs (${reason ?? 'engine tfjs was asked for'}); leave threads at auto or 1`,
    );
  return {
    engine: new TfjsEngine(model, optimizer),
    record: { requested: choice, used: 'tfjs', reason, threads: 1, evaluationThreads: 1 },
  };
}

/** What an evaluation needs from an engine: inference only. */
export type Evaluator = Pick<Engine, 'features' | 'classes' | 'evaluate' | 'dispose'>;

/**
 * The engine that evaluates a checkpoint (`ch test`, the end-of-run test): the same choice and
 * fallback as {@link chooseEngine}, holding `model`'s weights, on the threads `threads` gives
 * (`auto`: two from two cores on; recorded as the record's `threads`). The optimizer it is
 * given never steps; its state is the only memory it costs.
 */
export function chooseEvaluator(
  choice: EngineChoice,
  input: {
    entry: Registered<ModelEntry>;
    shape: DataShape;
    modelOptions: OptionValues;
    seed: number;
    model: LayersModel;
    threads?: ThreadsChoice;
  },
): { evaluator: Evaluator; record: EngineRecord } {
  const { engine, record } = chooseEngine(choice, {
    ...input,
    optimizer: { kind: 'sgd', learningRate: 0, weightDecay: 0, momentum: 0 },
    evaluationOnly: true,
  });
  return { evaluator: engine, record };
}
