/**
 * Figures of a search (`ch search`) from its saved study, with no Node imports so that the
 * dashboard's page can draw the same front as `ch plot --search`.
 */

/** One trial of a search's study state (`study.json`), as far as a figure needs it. */
export interface SearchTrial {
  number: number;
  state: 'complete' | 'failed';
  values?: number[];
  softwareMetrics: Record<string, number>;
  hardwareMetrics: Record<string, number>;
  sampledConfig?: unknown;
  params?: Record<string, unknown>;
}

/** A search's study state (`<project>/software/search_ckpts/<id>/study.json`). */
export interface SearchStudy {
  id: string;
  fingerprint: Record<string, unknown>;
  trials: SearchTrial[];
}

/** A complete trial placed on the Pareto figure: accuracy against a bit metric. */
export interface FrontPoint {
  number: number;
  accuracy: number;
  bits: number;
  /** On the non-dominated front (highest accuracy for no more bits). */
  front: boolean;
  params: Record<string, unknown>;
}

/** The bit metrics a front is drawn against, preferred first, with their axis titles. */
export const BIT_METRICS: Readonly<Record<string, string>> = {
  average_bitwidth: 'average weight bit width (bits)',
  model_size_bits: 'model size (bits)',
  bitops: 'bit operations (BitOPs)',
};

const metricsOf = (trial: SearchTrial) => ({ ...trial.softwareMetrics, ...trial.hardwareMetrics });

/** The bit metric the search's complete trials recorded (the first of {@link BIT_METRICS}). */
export function bitMetricOf(study: SearchStudy): string | undefined {
  const recorded = new Set(
    study.trials
      .filter((trial) => trial.state === 'complete')
      .flatMap((t) => Object.keys(metricsOf(t))),
  );
  return Object.keys(BIT_METRICS).find((name) => recorded.has(name));
}

/**
 * The complete trials as points (accuracy to maximize, `bitMetric` to minimize), each marked
 * whether it is on the front: no other point has at least its accuracy with no more bits and is
 * better in one of them. Trials without both metrics are left out.
 */
export function frontPoints(
  study: SearchStudy,
  bitMetric = bitMetricOf(study) ?? 'average_bitwidth',
  accuracyMetric = 'accuracy',
): FrontPoint[] {
  const points = study.trials.flatMap((trial) => {
    const metrics = metricsOf(trial);
    const accuracy = metrics[accuracyMetric];
    const bits = metrics[bitMetric];
    if (trial.state !== 'complete' || !Number.isFinite(accuracy) || !Number.isFinite(bits))
      return [];
    return [{ number: trial.number, accuracy, bits, front: false, params: trial.params ?? {} }];
  });
  for (const point of points)
    point.front = !points.some(
      (other) =>
        other.accuracy >= point.accuracy &&
        other.bits <= point.bits &&
        (other.accuracy > point.accuracy || other.bits < point.bits),
    );
  return points;
}

/** What names a search among others: its strategy, its seed, and the rest of its settings. */
export interface SearchSettings {
  strategy: string;
  seed: number | undefined;
  /** The settings besides strategy and seed: searches of equal keys searched the same thing. */
  spaceKey: string;
}

/** A search's strategy, seed and the key of what it searched, from its fingerprint. */
export function searchSettings(study: SearchStudy): SearchSettings {
  const { strategy, seed, ...rest } = study.fingerprint;
  return {
    strategy: typeof strategy === 'string' ? strategy : 'unknown',
    seed: typeof seed === 'number' ? seed : undefined,
    spaceKey: JSON.stringify(rest),
  };
}

/** The value a search's sample efficiency follows, and which way it improves. */
export interface Objective {
  /** A metric name, or `sum_scaled_metrics` for a search of one summed objective. */
  name: string;
  direction: 'maximize' | 'minimize';
}

/**
 * What a search tries to improve, for a best-so-far curve: its summed objective when it sums, or
 * else its first metric (accuracy in MASE's example), as its fingerprint records them.
 */
export function searchObjective(study: SearchStudy): Objective {
  const { metrics, sum } = study.fingerprint as {
    metrics?: { name: string; direction: Objective['direction'] }[];
    sum?: { direction: Objective['direction'] } | null;
  };
  if (sum) return { name: 'sum_scaled_metrics', direction: sum.direction };
  const first = metrics?.[0];
  return first
    ? { name: first.name, direction: first.direction }
    : { name: 'accuracy', direction: 'maximize' };
}

/**
 * The best value so far after each trial (trial 1 to n), `null` until a complete trial has one.
 * Failed trials keep the best of those before them.
 */
export function bestSoFarCurve(
  study: SearchStudy,
  objective = searchObjective(study),
): (number | null)[] {
  const sign = objective.direction === 'maximize' ? 1 : -1;
  let best: number | null = null;
  return [...study.trials]
    .sort((a, b) => a.number - b.number)
    .map((trial) => {
      const value =
        objective.name === 'sum_scaled_metrics'
          ? trial.values?.[0]
          : metricsOf(trial)[objective.name];
      if (trial.state === 'complete' && value !== undefined && Number.isFinite(value))
        if (best === null || sign * value > sign * best) best = value;
      return best;
    });
}
