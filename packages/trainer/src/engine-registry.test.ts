// Engines are registry entries: the trainer takes, under auto, the engine of highest priority
// that accepts the model, and a plugin (a model built with the models package's exported
// `sequentialEntry`, or a whole engine) joins through the same plugin API as the built-ins.
import { rm } from 'node:fs/promises';
import {
  definePlugin,
  getRegistry,
  loadPlugins,
  PLUGIN_API_VERSION,
  tf,
  type EngineEntry,
  type LayerSpec,
} from '@machop/core';
import { FusedEngine } from '@machop/engine-fused';
import modelsPlugin, { sequentialEntry } from '@machop/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, setUp, temporaryDir, toyOptions } from '../fixtures/helpers.js';
import { chooseEngine } from './choose-engine.js';
import { BUILTIN_ENGINES, tfjsEngineEntry } from './tfjs-engine-entry.js';
import { TfjsEngine } from './tfjs-engine.js';
import { train } from './train.js';

let dir: string;
const made: string[] = [];

/** A third party's engine: it runs only its own model, and records what it was asked for. */
const recordingEngine: EngineEntry = {
  description: 'a plugin engine for one model',
  priority: 20,
  unsupportedReason: ({ model }) =>
    model.name === 'plugin-jsc' ? undefined : `model "${model.name}" is not plugin-jsc`,
  create(request) {
    made.push(request.model.name);
    return tfjsEngineEntry.create(request);
  },
};

const plugin = definePlugin({
  name: 'machop-plugin-seam-test',
  apiVersion: PLUGIN_API_VERSION,
  setup(registry) {
    // A one-file plugin model: a layer list through the exported sequentialEntry.
    const layers = ({ classes }: { classes: number }): LayerSpec[] => [
      { type: 'dense', units: 12 },
      { type: 'batchNorm' },
      { type: 'activation', activation: 'relu' },
      { type: 'dense', units: classes },
    ];
    registry.models.add('plugin-mlp', sequentialEntry('plugin-mlp', 'a plugin MLP', layers));
    registry.models.add('plugin-jsc', sequentialEntry('plugin-jsc', 'its own engine', layers));
    registry.engines.add('plugin-engine', recordingEngine);
  },
});

beforeAll(async () => {
  await setUp();
  await loadPlugins([modelsPlugin, ...BUILTIN_ENGINES, plugin]);
  dir = await temporaryDir();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function choose(name: string) {
  const entry = getRegistry().models.get(name);
  const shape = { features: 16, classes: 5 };
  const model = entry.create({ ...shape, options: {}, seed: 1, tf });
  return chooseEngine('auto', {
    entry,
    shape,
    modelOptions: {},
    seed: 1,
    model,
    optimizer: { kind: 'adam', learningRate: 1e-3, weightDecay: 0 },
  });
}

describe('the engines kind of the registry', () => {
  it('lists the built-in engines with their priorities, added by their packages', () => {
    const engines = getRegistry().engines;
    expect(engines.get('fused')).toMatchObject({ plugin: '@machop/engine-fused', priority: 10 });
    expect(engines.get('tfjs')).toMatchObject({ plugin: '@machop/trainer', priority: 0 });
  });

  it('gives auto the supporting engine of highest priority', () => {
    const own = choose('plugin-jsc');
    expect(own.record).toMatchObject({ used: 'plugin-engine', reason: null });
    expect(own.engine).toBeInstanceOf(TfjsEngine);
    expect(made).toEqual(['plugin-jsc']);
    const other = choose('plugin-mlp');
    expect(other.engine).toBeInstanceOf(FusedEngine);
    expect(other.record.used).toBe('fused');
    own.engine.dispose();
    other.engine.dispose();
  });

  it('trains a plugin model built with sequentialEntry on the fused engine', async () => {
    const result = await train(
      toyOptions(dir, { model: 'plugin-mlp', engine: 'auto', maxEpochs: 2, project: 'plugin' }),
    );
    const config = await readJson<{ engine: { used: string } }>(`${result.runDir}/config.json`);
    expect(config.engine.used).toBe('fused');
    expect(result.summary.final.train_loss_epoch).toBeLessThan(1.6);
  }, 60_000);
});
