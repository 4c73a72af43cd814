/**
 * The metrics a search can weigh, each with the way it is better, so nobody guesses it from the
 * name. Software metrics come from evaluating the candidate on the validation split; hardware
 * metrics from counting its graph (issue 16's synthesis will add to these).
 */
export const SEARCH_METRICS = {
  accuracy: {
    kind: 'software',
    better: 'maximize',
    description: 'share of validation rows classified right (micro, as ch train reports it)',
  },
  accuracy_macro: {
    kind: 'software',
    better: 'maximize',
    description: "mean over classes of each class's accuracy (what MASE's search calls accuracy)",
  },
  loss: {
    kind: 'software',
    better: 'minimize',
    description: 'mean cross-entropy on the validation split',
  },
  average_bitwidth: {
    kind: 'hardware',
    better: 'minimize',
    description: "MASE's: mean weight width over the quantized linear layers (32 when none)",
  },
  memory_density: {
    kind: 'hardware',
    better: 'maximize',
    description: 'compare_to / average_bitwidth (MASE)',
  },
  model_size_bits: {
    kind: 'hardware',
    better: 'minimize',
    description: 'bits to store every parameter and running statistic at its precision',
  },
  bitops: {
    kind: 'hardware',
    better: 'minimize',
    description: "multiply-accumulates per sample times their operands' widths",
  },
  parameters: { kind: 'hardware', better: 'minimize', description: 'trainable parameters' },
} as const;

/** A metric's name. */
export type SearchMetricName = keyof typeof SEARCH_METRICS;

/** The metrics of one trial, by name. */
export type TrialMetrics = Partial<Record<SearchMetricName, number>>;

/** Whether `name` is a metric a search can weigh. */
export function isSearchMetric(name: string): name is SearchMetricName {
  return Object.hasOwn(SEARCH_METRICS, name);
}
