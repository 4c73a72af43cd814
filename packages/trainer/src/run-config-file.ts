import { currentBackend, type LayerQuant, type TabularDataset } from '@machop/core';
import type { RunConfig as RunFolderConfig, SweepMembership } from '@machop/runs';
import type { ResolvedTrainOptions } from './options.js';
import { gitInfo, runVersions } from './run-config.js';

/** config.json of a trainer run: @machop/runs' format with the trainer's resolved options. */
export type RunConfig = RunFolderConfig<ResolvedTrainOptions>;

/** What {@link buildRunConfig} needs. */
export interface RunConfigInput {
  runId: string;
  project: string;
  options: ResolvedTrainOptions;
  name: string | undefined;
  tags: string[] | undefined;
  data: TabularDataset;
  model: {
    plugin: string;
    parameters: { trainable: number; total: number };
    /** The model's per-layer quantization and node names, for a quantized model. */
    quant?: LayerQuant;
    nodes?: string[];
  };
  /** The checkpoint and config file `ch transform` made this run from. */
  transformedFrom?: { checkpoint: string; config: string };
  datasetPlugin: string;
  loadedFrom: string | null;
  config: Record<string, unknown> | undefined;
  sweep: SweepMembership | undefined;
}

/** The config.json of a new run. */
export function buildRunConfig(input: RunConfigInput): RunConfig {
  const { options, data } = input;
  return {
    format: 'machop-run',
    version: 1,
    runId: input.runId,
    project: input.project,
    name: input.name ?? null,
    tags: input.tags ?? [],
    createdAt: new Date().toISOString(),
    model: {
      name: options.model,
      plugin: input.model.plugin,
      options: options.modelOptions,
      parameters: input.model.parameters,
      ...(input.model.quant ? { quant: input.model.quant } : {}),
      ...(input.model.nodes ? { nodes: input.model.nodes } : {}),
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
    ...(input.transformedFrom ? { transformedFrom: input.transformedFrom } : {}),
    resumes: [],
    sweep: input.sweep ?? null,
    config: input.config ?? null,
  };
}
