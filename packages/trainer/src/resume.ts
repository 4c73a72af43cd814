import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError, ConfigError } from '@machop/core';
import { readTrainerState, type TrainerState } from './checkpoint-io.js';
import { optionLabel, type ResolvedTrainOptions, type TrainOptions } from './options.js';
import type { RunConfig } from './run-config-file.js';

/** A run to continue: its folder, saved configuration and last checkpoint. */
export interface ResumePoint {
  runDir: string;
  config: RunConfig;
  checkpointDir: string;
  state: TrainerState;
  /** The run's options, with the session options (maxEpochs, maxTimeSeconds, test) of this call. */
  options: ResolvedTrainOptions;
}

// Options that define what a run computes; a resumed run must keep them to give the same numbers.
const RUN_DEFINING = [
  'model',
  'dataset',
  'batchSize',
  'learningRate',
  'weightDecay',
  'optimizer',
  'scheduler',
  'stepSize',
  'gamma',
  'seed',
  'logEveryNSteps',
  'monitor',
  'mode',
  'earlyStoppingPatience',
] as const;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function conflict(name: string, given: unknown, saved: unknown, runDir: string): ConfigError {
  return new ConfigError(
    `${optionLabel(name)} is ${JSON.stringify(given)} but run ${runDir} was trained with ${JSON.stringify(saved)}; leave it out to resume the run as it was, or start a new run`,
  );
}

/** Read a run folder for `resume`, refusing options that contradict the run. */
export async function prepareResume(
  options: TrainOptions,
  session: ResolvedTrainOptions,
): Promise<ResumePoint> {
  const runDir = path.resolve(options.resume!);
  const configFile = path.join(runDir, 'config.json');
  let config: RunConfig;
  try {
    config = JSON.parse(await readFile(configFile, 'utf8')) as RunConfig;
  } catch (error) {
    throw new CheckpointError(
      `cannot resume ${runDir}: ${configFile} is missing or not valid JSON; pass a run folder made by train`,
      { cause: error },
    );
  }
  if (config?.format !== 'machop-run' || !config.options)
    throw new CheckpointError(
      `cannot resume ${runDir}: ${configFile} is not a Machop.ts run configuration`,
    );
  const saved = config.options;
  for (const name of RUN_DEFINING) {
    const given = options[name];
    if (given !== undefined && !same(given, saved[name] ?? undefined))
      throw conflict(name, given, saved[name], runDir);
  }
  for (const [group, savedGroup] of [
    ['modelOptions', saved.modelOptions],
    ['datasetOptions', saved.datasetOptions],
    ['split', saved.split],
  ] as const) {
    for (const [name, given] of Object.entries(options[group] ?? {})) {
      const before = (savedGroup as Record<string, unknown>)[name];
      if (given !== undefined && !same(given, before))
        throw conflict(`${group}.${name}`, given, before, runDir);
    }
  }
  const checkpointDir = path.join(runDir, 'checkpoints', 'last');
  const state = await readTrainerState(checkpointDir);
  const resolved: ResolvedTrainOptions = {
    ...saved,
    maxEpochs: options.maxEpochs === undefined ? saved.maxEpochs : session.maxEpochs,
    maxTimeSeconds:
      options.maxTimeSeconds === undefined ? saved.maxTimeSeconds : session.maxTimeSeconds,
    test: options.test === undefined ? saved.test : session.test,
  };
  const done = state.position.epoch >= resolved.maxEpochs;
  if (done) {
    throw new ConfigError(
      `run ${runDir} has already trained ${state.position.epoch} epochs of maxEpochs ${resolved.maxEpochs}; pass a larger ${optionLabel('maxEpochs')} to train further`,
    );
  }
  return { runDir, config, checkpointDir, state, options: resolved };
}
