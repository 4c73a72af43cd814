import {
  currentBackend,
  type BackendInfo,
  type OptionValues,
  type Scaler,
  type SplitOptions,
  type TabularDataset,
} from '@machop/core';
import type { ResolvedTrainOptions } from './options.js';
import { gitInfo, runVersions } from './run-config.js';

/** config.json: everything that describes a run, so the folder alone can reproduce and explain it. */
export interface RunConfig {
  format: 'machop-run';
  version: 1;
  runId: string;
  project: string;
  createdAt: string;
  model: {
    name: string;
    plugin: string;
    options: OptionValues;
    parameters: { trainable: number; total: number };
  };
  dataset: {
    name: string;
    plugin: string;
    options: OptionValues;
    features: number;
    classes: number;
    featureNames: string[];
    classNames: string[];
    source: TabularDataset['source'];
  };
  /** The resolved training options, defaults applied (what resume reads back). */
  options: ResolvedTrainOptions;
  seed: number;
  split: SplitOptions;
  splitSizes: { train: number; validation: number; test: number };
  scaler: Scaler;
  backend: BackendInfo | null;
  versions: Record<string, string | null>;
  git: { commit: string; dirty: boolean } | null;
  /** The checkpoint the weights started from (`load`), if any. */
  loadedFrom: string | null;
  /** When the run was resumed, and from which step. */
  resumes: { at: string; fromStep: number; backend: string | null }[];
  /** What the caller asked to keep (the CLI: its settings with their sources). */
  config: Record<string, unknown> | null;
}

/** What {@link buildRunConfig} needs. */
export interface RunConfigInput {
  runId: string;
  project: string;
  options: ResolvedTrainOptions;
  data: TabularDataset;
  model: { plugin: string; parameters: { trainable: number; total: number } };
  datasetPlugin: string;
  loadedFrom: string | null;
  config: Record<string, unknown> | undefined;
}

/** The config.json of a new run. */
export function buildRunConfig(input: RunConfigInput): RunConfig {
  const { options, data } = input;
  return {
    format: 'machop-run',
    version: 1,
    runId: input.runId,
    project: input.project,
    createdAt: new Date().toISOString(),
    model: {
      name: options.model,
      plugin: input.model.plugin,
      options: options.modelOptions,
      parameters: input.model.parameters,
    },
    dataset: {
      name: options.dataset,
      plugin: input.datasetPlugin,
      options: options.datasetOptions,
      features: data.features,
      classes: data.classes,
      featureNames: data.featureNames,
      classNames: data.classNames,
      source: data.source,
    },
    options,
    seed: options.seed,
    split: data.split,
    splitSizes: { train: data.train.size, validation: data.validation.size, test: data.test.size },
    scaler: data.scaler,
    backend: currentBackend() ?? null,
    versions: runVersions(),
    git: gitInfo(),
    loadedFrom: input.loadedFrom,
    resumes: [],
    config: input.config ?? null,
  };
}
