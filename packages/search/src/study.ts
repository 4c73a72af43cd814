import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ConfigError,
  writeFileAtomic,
  type Assignment,
  type BuiltSearchSpace,
  type Strategy,
  type TrialRecord,
} from '@machop/core/base';
import { objectivesOf, scoreTrial, type Scoring } from './metrics/objectives.js';
import { SEARCH_METRICS, type TrialMetrics } from './metrics/names.js';
import { pauseAfterTrial } from './test-pause.js';

/** One finished trial, as the study's state and MASE's `log.json` keep it. */
export interface StudyTrial {
  number: number;
  params: Assignment;
  state: 'complete' | 'failed';
  /** One per objective, when complete. */
  values?: number[];
  softwareMetrics: Record<string, number>;
  hardwareMetrics: Record<string, number>;
  scaledMetrics: Record<string, number>;
  /** What the space applied for this assignment (MASE's `sampled_config`). */
  sampledConfig: unknown;
  /** ISO times. */
  start: string;
  complete: string;
  /** Why a failed trial failed. */
  error?: string;
}

/** The study's state file (`study.json`): what it was started with, and every finished trial. */
export interface StudyState {
  format: 'machop-search-study';
  version: 1;
  id: string;
  /** The settings that decide the trials; a resumed search must have the same. */
  fingerprint: Record<string, unknown>;
  trials: StudyTrial[];
}

/** The file holding a study's state in its folder. */
export const STUDY_FILE = 'study.json';

/** What {@link runStudy} runs. */
export interface StudyOptions<Candidate> {
  /** The search's folder (created if needed); its state is `<dir>/study.json`. */
  dir: string;
  id: string;
  fingerprint: Record<string, unknown>;
  space: BuiltSearchSpace<Candidate>;
  strategy: Strategy;
  scoring: Scoring;
  seed: number;
  /** Trials the study should have when it ends (finished ones included). */
  trials: number;
  /** Stop proposing after this many seconds of this call. */
  timeoutSeconds?: number;
  /** A trial's metrics (software and hardware, by name). */
  evaluate(candidate: Candidate, trial: number): Promise<TrialMetrics> | TrialMetrics;
  onTrial?(trial: StudyTrial): void;
  /** Stops after the trial under way. */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

/** Why {@link runStudy} stopped. */
export type StudyEnd = 'trials' | 'exhausted' | 'timeout' | 'aborted';

/** Reads a study's state, or undefined when there is none yet. */
export async function readStudy(dir: string): Promise<StudyState | undefined> {
  const file = path.join(dir, STUDY_FILE);
  if (!existsSync(file)) return undefined;
  let state: StudyState;
  try {
    state = JSON.parse(await readFile(file, 'utf8')) as StudyState;
  } catch (error) {
    throw new ConfigError(
      `${file} is damaged (${(error as Error).message}); move it away to start the search again`,
      { cause: error },
    );
  }
  if (
    state?.format !== 'machop-search-study' ||
    state.version !== 1 ||
    !Array.isArray(state.trials)
  )
    throw new ConfigError(
      `${file} is not a Machop.ts search state; move it away to start the search again`,
    );
  return state;
}

/**
 * Runs a search: asks the strategy for a trial, realizes and evaluates it, and saves the study's
 * state (temp file, then rename) after every trial. Started again on a folder that holds a state
 * of the same fingerprint, it goes on from the last saved trial; since a strategy's proposal is
 * a pure function of the history and the seed, a search killed and resumed ends with the trials
 * of one that ran through.
 */
export async function runStudy<Candidate>(
  options: StudyOptions<Candidate>,
): Promise<{ state: StudyState; resumedFrom: number; end: StudyEnd }> {
  const saved = await readStudy(options.dir);
  if (saved && JSON.stringify(saved.fingerprint) !== JSON.stringify(options.fingerprint))
    throw new ConfigError(
      `${path.join(options.dir, STUDY_FILE)} holds search ${saved.id} of other settings; move that folder away to start this search again`,
    );
  const state: StudyState = saved ?? {
    format: 'machop-search-study',
    version: 1,
    id: options.id,
    fingerprint: options.fingerprint,
    trials: [],
  };
  const resumedFrom = state.trials.length;
  const objectives = objectivesOf(options.scoring);
  const started = Date.now();
  const save = () =>
    writeFileAtomic(path.join(options.dir, STUDY_FILE), JSON.stringify(state, null, 1) + '\n');
  let end: StudyEnd = 'trials';
  while (state.trials.length < options.trials) {
    if (options.signal?.aborted) {
      end = 'aborted';
      break;
    }
    if (
      options.timeoutSeconds !== undefined &&
      (Date.now() - started) / 1000 >= options.timeoutSeconds
    ) {
      end = 'timeout';
      break;
    }
    const number = state.trials.length;
    const history: TrialRecord[] = state.trials.map((trial) => ({
      number: trial.number,
      params: trial.params,
      state: trial.state,
      ...(trial.values ? { values: trial.values } : {}),
    }));
    const params = options.strategy.propose({
      space: options.space.space,
      objectives,
      history,
      seed: options.seed,
      trialNumber: number,
    });
    if (params === undefined) {
      end = 'exhausted';
      break;
    }
    const start = new Date().toISOString();
    const { candidate, config } = options.space.realize(params);
    let trial: StudyTrial;
    try {
      const metrics = await options.evaluate(candidate, number);
      const { scaled, values } = scoreTrial(metrics, options.scoring);
      const split = (kind: 'software' | 'hardware') =>
        Object.fromEntries(
          Object.entries(metrics).filter(
            ([name]) => SEARCH_METRICS[name as keyof typeof SEARCH_METRICS]?.kind === kind,
          ),
        ) as Record<string, number>;
      trial = {
        number,
        params,
        state: 'complete',
        values,
        softwareMetrics: split('software'),
        hardwareMetrics: split('hardware'),
        scaledMetrics: scaled,
        sampledConfig: config,
        start,
        complete: new Date().toISOString(),
      };
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      trial = {
        number,
        params,
        state: 'failed',
        softwareMetrics: {},
        hardwareMetrics: {},
        scaledMetrics: {},
        sampledConfig: config,
        start,
        complete: new Date().toISOString(),
        error: (error as Error).message,
      };
    }
    state.trials.push(trial);
    await save();
    options.onTrial?.(trial);
    await pauseAfterTrial(state.trials.length, options.signal, options.env);
  }
  if (!saved && state.trials.length === 0) await save();
  return { state, resumedFrom, end };
}
