import {
  ConfigError,
  getRegistry,
  type EngineEntry,
  type LayersModel,
  type ModelEntry,
  type OptionValues,
  type Registered,
  type DataShape,
} from '@machop/core';
import type { Engine } from './engine.js';
import type { OptimizerSettings } from './optimizer.js';
import { optionLabel, type EngineChoice, type ThreadsChoice } from './options.js';
import { weightsOf } from './tfjs-engine.js';

/** The engine a run got, and why, as config.json records it. */
export interface EngineRecord {
  requested: EngineChoice;
  /** The registry name of the engine used (`tfjs`, `fused`). */
  used: string;
  /** Why `auto` passed over an engine of higher priority; null otherwise. */
  reason: string | null;
  /** Threads the engine trains on (tfjs: 1); of an evaluation alone, those it evaluates on. */
  threads: number;
  /** Threads the engine evaluates on: validation and test batches are split over them (tfjs: 1). */
  evaluationThreads: number;
}

/** The registered engines, highest priority first (ties by name). */
function enginesByPriority(): Registered<EngineEntry>[] {
  const engines = getRegistry().engines.list();
  if (engines.length === 0)
    throw new ConfigError(
      "no compute engine is registered; load @machop/trainer's BUILTIN_ENGINES with loadPlugins first",
    );
  return engines.sort((a, b) => b.priority - a.priority);
}

/**
 * Make the engine a run asked for, from the registry's engines. `auto` takes the engine of
 * highest priority whose `unsupportedReason` accepts the model (the fused engine for a layer list
 * it runs, else tfjs), recording why it passed over the first one; a name takes that engine, and
 * is a {@link ConfigError} when it cannot run the model. Every engine starts from `model`'s
 * weights, so all start equal, and resolves its own settings: `threads` (default 1) is passed to
 * it, and a count above its `maxThreads` is a {@link ConfigError}.
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
  const { entry, shape, modelOptions, seed, model } = input;
  const threads = input.threads ?? 1;
  const layers = entry.layers?.({ ...shape, options: modelOptions, seed });
  const query = { model: entry, layers };
  const engines = enginesByPriority();
  let chosen: Registered<EngineEntry> | undefined;
  let reason: string | null = null;
  if (choice === 'auto') {
    for (const engine of engines) {
      const refusal = engine.unsupportedReason(query);
      if (refusal === undefined) {
        chosen = engine;
        break;
      }
      reason ??= refusal;
    }
    if (!chosen) throw new ConfigError(`no registered engine can run this model: ${reason}`);
  } else {
    chosen = getRegistry().engines.get(choice);
    const refusal = chosen.unsupportedReason(query);
    if (refusal !== undefined) {
      const others = engines.filter((engine) => engine.name !== choice).map(({ name }) => name);
      throw new ConfigError(
        `engine "${choice}" cannot run this model: ${refusal}; use --engine ${[...others, 'auto'].join(' or ')}`,
      );
    }
  }
  if (typeof threads === 'number' && threads > (chosen.maxThreads ?? 1)) {
    const able = engines.filter((engine) => (engine.maxThreads ?? 1) >= threads);
    throw new ConfigError(
      `${optionLabel('threads')} ${threads} needs the ${able.map(({ name }) => name).join(' or ')} engine, but this run uses ${chosen.name} (${reason ?? `engine ${chosen.name} was asked for`}); leave threads at auto or 1`,
    );
  }
  const created = chosen.create({
    ...query,
    ...shape,
    seed,
    tfjsModel: model,
    weights: () => weightsOf(model),
    optimizer: input.optimizer,
    threads,
    batchSize: input.batchSize ?? 1,
    evaluationOnly: input.evaluationOnly ?? false,
  });
  return {
    engine: created.engine,
    record: {
      requested: choice,
      used: chosen.name,
      reason,
      threads: created.threads,
      evaluationThreads: created.evaluationThreads,
    },
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
