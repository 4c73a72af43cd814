import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, recoverDirAtomic } from '@machop/core';
import { checkpointDir as checkpointOf, readRunConfig, readRunSummary } from '@machop/runs';
import { readTrainerState, type TrainerState } from './checkpoint-io.js';
import { changeableOnResume, keptOnResume } from './option-table.js';
import { optionLabel, type ResolvedTrainOptions, type TrainOptions } from './options.js';
import type { RunConfig } from './run-config-file.js';

/** A run to continue: its folder, saved configuration and last checkpoint. */
export interface ResumePoint {
  runDir: string;
  config: RunConfig;
  /** The last checkpoint, or undefined when the run stopped before its first one. */
  checkpoint: { dir: string; state: TrainerState } | undefined;
  /** The run's options, with the session options (maxEpochs, maxTimeSeconds, test, engine, threads) of this call. */
  options: ResolvedTrainOptions;
}

// Options that define what a run computes; a resumed run must keep them to give the same numbers.
// The table of options says which they are (and which a resume may change).
const RUN_DEFINING = ['model', 'dataset', ...keptOnResume()] as const;

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
  const config: RunConfig = await readRunConfig(runDir);
  const saved = config.options;
  const givenOptions = options as unknown as Record<string, unknown>;
  const savedOptions = saved as unknown as Record<string, unknown>;
  for (const name of RUN_DEFINING) {
    const given = givenOptions[name];
    if (given !== undefined && !same(given, savedOptions[name] ?? undefined))
      throw conflict(name, given, savedOptions[name], runDir);
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
  // Finish or undo checkpoint replacements a crash interrupted (we hold the run's lock).
  for (const name of ['best', 'last'] as const) await recoverDirAtomic(checkpointOf(runDir, name));
  const checkpointDir = checkpointOf(runDir, 'last');
  const state = existsSync(checkpointDir) ? await readTrainerState(checkpointDir) : undefined;
  // Session options (max epochs, time, test, engine, threads) take this call's value when given;
  // either engine resumes the other's checkpoints, and one or two threads take the same steps.
  const resolved: ResolvedTrainOptions = { ...saved };
  const changed = resolved as unknown as Record<string, unknown>;
  for (const key of changeableOnResume()) {
    const sessionValue = (session as unknown as Record<string, unknown>)[key];
    changed[key] =
      givenOptions[key] === undefined ? (savedOptions[key] ?? sessionValue) : sessionValue;
  }
  // A run stopped after its last epoch's checkpoint but before it ended (Ctrl-C during the final
  // test, a kill before summary.json) resumes to finish: no epoch left, then the test and summary.
  if (state && state.position.epoch >= resolved.maxEpochs && (await endedStatus(runDir)) !== null) {
    throw new ConfigError(
      `run ${runDir} has already trained ${state.position.epoch} epochs of maxEpochs ${resolved.maxEpochs}; pass a larger ${optionLabel('maxEpochs')} to train further`,
    );
  }
  return {
    runDir,
    config,
    checkpoint: state && { dir: checkpointDir, state },
    options: resolved,
  };
}

/** How the run in `runDir` ended, from its summary.json; null if it has not (interrupted, or killed before writing one). */
async function endedStatus(runDir: string): Promise<string | null> {
  const status = (await readRunSummary(runDir))?.status;
  return status !== undefined && status !== 'interrupted' ? status : null;
}
