import {
  bestSoFarCurve,
  searchObjective,
  searchSettings,
  type Objective,
  type SearchStudy,
} from '@machop/runs';

/** One point of a strategy's best-so-far curve: the mean over its searches, and their spread. */
export interface EfficiencyPoint {
  trial: number;
  mean: number;
  low: number;
  high: number;
  /** Searches that had reached this trial with a value. */
  searches: number;
}

/** A strategy's best-so-far curve, the mean over its searches (one per seed). */
export interface EfficiencyCurve {
  strategy: string;
  /** The ids of the searches averaged. */
  searches: string[];
  points: EfficiencyPoint[];
}

/** The sample-efficiency figure's data: best so far against trials, a curve per strategy. */
export interface EfficiencyPlot {
  objective: Objective;
  curves: EfficiencyCurve[];
  /** The most searches of one strategy (above 1, curves are means with a min–max band). */
  repeats: number;
}

/**
 * Best so far against trial number, one curve per strategy: searches of the same strategy
 * (repeats with other seeds) become their mean with a min–max band. At each trial, only the
 * searches that had a value by then count, so a search still running shortens no other's curve.
 */
export function efficiencyPlot(studies: readonly SearchStudy[]): EfficiencyPlot {
  const objective = searchObjective(studies[0]);
  const byStrategy = new Map<string, SearchStudy[]>();
  for (const study of studies) {
    const { strategy } = searchSettings(study);
    byStrategy.set(strategy, [...(byStrategy.get(strategy) ?? []), study]);
  }
  const curves = [...byStrategy].map(([strategy, group]) => {
    const series = group.map((study) => bestSoFarCurve(study, objective));
    const length = Math.max(0, ...series.map((values) => values.length));
    const points: EfficiencyPoint[] = [];
    for (let index = 0; index < length; index++) {
      const values = series
        .map((values) => values[index])
        .filter((value): value is number => typeof value === 'number');
      if (values.length === 0) continue;
      points.push({
        trial: index + 1,
        mean: values.reduce((sum, value) => sum + value, 0) / values.length,
        low: Math.min(...values),
        high: Math.max(...values),
        searches: values.length,
      });
    }
    return { strategy, searches: group.map((study) => study.id), points };
  });
  return {
    objective,
    curves,
    repeats: Math.max(0, ...curves.map((curve) => curve.searches.length)),
  };
}
