// The JSON the server answers, shared by the server and the page (type-only: no Node imports).
import type { RunStatus, RunSummary, SearchStudy, SettingValue, TestReport } from '@machop/runs';

/** A run as `/api/runs` lists it: config.json without the bulky parts, summary and test result. */
export interface RunView {
  /** `<project>/<run>`: unique in the project dir, and the `:id` of the metrics endpoint. */
  id: string;
  project: string;
  run: string;
  /** The name given with `ch train --name`, or null. */
  name: string | null;
  /** The tags given with `ch train --tag`. */
  tags: string[];
  status: RunStatus;
  createdAt: string;
  model: { name: string; options: unknown; parameters: unknown };
  dataset: { name: string; options: unknown; classNames: string[] };
  /** config.options: the trainer's resolved options (camelCase: batchSize, learningRate, seed...). */
  options: Record<string, unknown>;
  /**
   * The settings the run was trained with, by flag name (`batch-size`), as `runSettings` of
   * @machop/runs reads them: what the page groups, names and tabulates runs by, as `ch plot` does.
   */
  settings: Record<string, SettingValue>;
  /** Optimizer steps in one epoch (see `stepsPerEpoch` of @machop/runs), or null when unknown. */
  stepsPerEpoch: number | null;
  sweep: { id: string; trial: string; point: Record<string, unknown>; seed: number } | null;
  /**
   * The model is fake-quantized: a run `ch transform` made, or one trained from it (QAT), whose
   * config.json gives a layer a format in `model.quant`. Such runs look like float ones otherwise.
   */
  quantized: boolean;
  backend: string | null;
  summary: RunSummary | null;
  test: TestReport | null;
}

/** What `/api/runs` answers. */
export interface RunsResponse {
  projectDir: string;
  runs: RunView[];
}

/** The points of one metric of one run, column by column (what the page plots). */
export interface MetricColumns {
  step: number[];
  epoch: number[];
  /** Seconds since the Unix epoch. */
  time: number[];
  value: (number | null)[];
}

/** What `/api/runs/:project/:run/metrics` answers. */
export interface MetricsResponse {
  id: string;
  /** Changes when the log was cut back (a resumed run): a client holding another drops its points. */
  generation: number;
  /** Records read so far: pass it back as `since` to get only newer points. */
  next: number;
  /** True when these points replace, rather than extend, what the client holds. */
  reset: boolean;
  /** Every metric name the run has logged so far, sorted. */
  names: string[];
  series: Record<string, MetricColumns>;
  /** `['time']` when the request left the times out (`omit=time`): each `time` is then empty. */
  omit?: 'time'[];
}

/**
 * `…/metrics?format=f64`: the same answer in a compact binary form, for the page (no JSON to
 * write or parse for 10,000-point curves). Layout, all little-endian:
 *
 * - a uint32: the byte length `H` of a UTF-8 JSON header, then the header: the
 *   {@link MetricsResponse} without `series`, plus `columns: [name, count, …][]`;
 * - zero bytes up to the next multiple of 8;
 * - for each `[name, count]` in order: `count` float64 steps, then epochs, times (none when the
 *   header's `omit` has `time`) and values, where a value JSON would give as `null` is NaN. Steps and epochs that are all whole numbers (the
 *   usual case) are int32 instead: for `[name, count, 'i32']`, `count` of each; for
 *   `[name, count, 'runs', s, e]`, `s` then `e` pairs of int32 `[delta, repeat]`, runs of equal
 *   steps from 0 (steps 1, 2, 3… are one pair), whichever is shorter.
 */
export interface BinaryMetricsHeader extends Omit<MetricsResponse, 'series'> {
  columns: (
    | [name: string, count: number]
    | [name: string, count: number, integers: 'i32']
    | [name: string, count: number, integers: 'runs', stepRuns: number, epochRuns: number]
  )[];
}

/** What `/api/metrics?run=…&run=…` answers: each run's answer in the order asked, null for a run that does not exist. */
export interface MetricsBatchResponse {
  runs: (MetricsResponse | null)[];
}

/** The `format` value that asks for {@link BinaryMetricsHeader}'s layout. */
export const BINARY_FORMAT = 'f64';

/**
 * The most runs one `/api/metrics` request may ask for (a run named twice counts once); more is
 * answered with 400. A page with more selected asks in several requests.
 */
export const MAX_RUNS_PER_REQUEST = 200;

/** A search of `ch search` as `/api/searches` lists it: its saved study, complete or not. */
export interface SearchView {
  /** `<project>/<search id>`. */
  id: string;
  project: string;
  search: string;
  /** Whether the search ended (its log.json holds every trial); else it runs or was stopped. */
  ended: boolean;
  study: SearchStudy;
}

/** What `/api/searches` answers. */
export interface SearchesResponse {
  searches: SearchView[];
}
