import { weightedIndex, type Random } from './seeded.js';
import { logNormalPdf, logGaussMass, truncatedNormalQuantile } from './truncated-normal.js';

/**
 * How TPE sees one parameter. `categorical`: `count` unordered choices, observed as indices.
 * `numerical`: values are numbers (an ordinal's index, an int, a float) from `origin` to `last`,
 * modelled on [low, high] (their logarithms when `log`, widened by half a step when stepped);
 * `step` is set when the model's mass is taken over whole steps (ints and ordinal indices that
 * are not on a log scale), as Optuna does.
 */
export type ParzenDomain =
  | { readonly kind: 'categorical'; readonly count: number }
  | {
      readonly kind: 'numerical';
      readonly low: number;
      readonly high: number;
      readonly log: boolean;
      readonly step?: number;
      /** Whether values are whole numbers (ints and ordinal indices), rounded after sampling. */
      readonly integer: boolean;
      readonly origin: number;
      readonly last: number;
    };

/** Optuna's Parzen-estimator settings (their defaults are Optuna's). */
export interface ParzenSettings {
  readonly considerPrior: boolean;
  readonly priorWeight: number;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
}

/** Optuna's default weights: 1 for the 25 newest observations, a ramp down to 1/n before. */
export function defaultWeights(count: number): number[] {
  if (count < 25) return Array.from({ length: count }, () => 1);
  const ramp = count - 25;
  return Array.from({ length: count }, (_, i) => {
    if (i >= ramp) return 1;
    // numpy.linspace(1 / count, 1, ramp)
    return ramp === 1 ? 1 / count : 1 / count + ((1 - 1 / count) * i) / (ramp - 1);
  });
}

/**
 * A univariate Parzen estimator (Optuna's `_ParzenEstimator` with `multivariate=False`): a
 * mixture with one component per observation plus, by default, a prior component over the whole
 * range. Numerical components are truncated normals whose widths come from the gaps between
 * neighbouring observations, clipped by Optuna's "magic clip"; categorical components put
 * weight 1 on the observed choice plus the prior weight spread over all choices.
 */
export class ParzenEstimator {
  private readonly weights: number[];
  private readonly mus: number[] = [];
  private readonly sigmas: number[] = [];
  private readonly choiceWeights: number[][] = [];
  // log of each numerical component's mass on [low, high], its truncation's normaliser.
  private readonly logMasses: number[] = [];

  /**
   * @param observations in the model's form: a choice's index, a number, or its logarithm when
   *   the domain is `log`.
   * @param weights one per observation; Optuna's {@link defaultWeights} when absent.
   */
  constructor(
    private readonly domain: ParzenDomain,
    observations: readonly number[],
    settings: ParzenSettings,
    weights?: readonly number[],
  ) {
    const count = observations.length;
    const considerPrior = settings.considerPrior || count === 0;
    const raw = [...(weights ?? defaultWeights(count))];
    if (considerPrior) raw.push(settings.priorWeight);
    const total = raw.reduce((sum, weight) => sum + weight, 0);
    this.weights = raw.map((weight) => weight / total);

    if (domain.kind === 'categorical') {
      const rows = considerPrior ? count + 1 : count;
      const fill = settings.priorWeight / rows;
      for (let row = 0; row < rows; row += 1) {
        const probabilities = Array.from({ length: domain.count }, () => fill);
        if (row < count) probabilities[observations[row]] += 1;
        const sum = probabilities.reduce((a, b) => a + b, 0);
        this.choiceWeights.push(probabilities.map((value) => value / sum));
      }
      return;
    }

    const { low, high } = domain;
    const mus = [...observations];
    if (considerPrior) mus.push(0.5 * (low + high));
    // Each component is as wide as the larger gap to its neighbours (the range's ends count as
    // neighbours), except that without considerEndpoints the outermost use their inner gap.
    const order = mus.map((_, i) => i).sort((a, b) => mus[a] - mus[b]);
    const sorted = [low, ...order.map((i) => mus[i]), high];
    const widths = order.map((_, k) =>
      Math.max(sorted[k + 1] - sorted[k], sorted[k + 2] - sorted[k + 1]),
    );
    if (!settings.considerEndpoints && sorted.length >= 4) {
      widths[0] = sorted[2] - sorted[1];
      widths[widths.length - 1] = sorted[sorted.length - 2] - sorted[sorted.length - 3];
    }
    const range = high - low;
    const smallest = settings.considerMagicClip ? range / Math.min(100, 1 + mus.length) : 1e-12;
    const sigmas = new Array<number>(mus.length);
    order.forEach((index, k) => {
      sigmas[index] = Math.min(range, Math.max(smallest, widths[k]));
    });
    if (considerPrior) sigmas[count] = range;
    this.mus = mus;
    this.sigmas = sigmas;
    this.logMasses = mus.map((mu, i) =>
      logGaussMass((low - mu) / sigmas[i], (high - mu) / sigmas[i]),
    );
  }

  /**
   * `size` samples, each from a component drawn by weight: a choice's index, or a number taken
   * back from the log domain and rounded to a whole value as Optuna's `_transform_from_uniform`
   * does, so that it is a value the parameter can take.
   */
  sample(random: Random, size: number): number[] {
    const samples: number[] = [];
    for (let i = 0; i < size; i += 1) {
      const component = weightedIndex(random, this.weights);
      if (this.domain.kind === 'categorical') {
        samples.push(weightedIndex(random, this.choiceWeights[component]));
        continue;
      }
      const { low, high } = this.domain;
      const mu = this.mus[component];
      const sigma = this.sigmas[component];
      const z = truncatedNormalQuantile(random(), (low - mu) / sigma, (high - mu) / sigma);
      samples.push(this.toValue(z * sigma + mu));
    }
    return samples;
  }

  /** log density (log mass when stepped or categorical) of each sample, as {@link sample} gives them. */
  logPdf(samples: readonly number[]): number[] {
    const logWeights = this.weights.map(Math.log);
    // Choices and stepped values repeat among candidates: compute each distinct one once.
    const known = new Map<number, number>();
    const terms = new Float64Array(logWeights.length);
    return samples.map((sample) => {
      const cached = known.get(sample);
      if (cached !== undefined) return cached;
      let top = Number.NEGATIVE_INFINITY;
      for (let component = 0; component < logWeights.length; component += 1) {
        terms[component] = logWeights[component] + this.componentLogPdf(sample, component);
        if (terms[component] > top) top = terms[component];
      }
      let result = top;
      if (top !== Number.NEGATIVE_INFINITY) {
        let sum = 0;
        for (let component = 0; component < logWeights.length; component += 1) {
          sum += Math.exp(terms[component] - top);
        }
        result = top + Math.log(sum);
      }
      known.set(sample, result);
      return result;
    });
  }

  private componentLogPdf(sample: number, component: number): number {
    const domain = this.domain;
    if (domain.kind === 'categorical') return Math.log(this.choiceWeights[component][sample]);
    const mu = this.mus[component];
    const sigma = this.sigmas[component];
    const { low, high } = domain;
    if (domain.step === undefined) {
      const x = domain.log ? Math.log(sample) : sample;
      if (x < low || x > high) return Number.NEGATIVE_INFINITY;
      // Unlike Optuna 3.1, with the -log(sigma) of a scaled density (Optuna added it in 3.5).
      const z = (x - mu) / sigma;
      return logNormalPdf(z) - this.logMasses[component] - Math.log(sigma);
    }
    const upper = Math.min(sample + domain.step / 2, high);
    const lower = Math.max(sample - domain.step / 2, low);
    return logGaussMass((lower - mu) / sigma, (upper - mu) / sigma) - this.logMasses[component];
  }

  // From the model's continuous line to a value the parameter takes (Optuna's
  // _transform_from_uniform): exp on a log scale, rounding to a whole step, clipping to the ends.
  private toValue(x: number): number {
    const domain = this.domain as Extract<ParzenDomain, { kind: 'numerical' }>;
    const { origin, last } = domain;
    if (domain.log) {
      const value = Math.exp(x);
      return domain.integer ? Math.min(last, Math.max(origin, Math.round(value))) : value;
    }
    if (domain.step === undefined) return x;
    const value = Math.round((x - origin) / domain.step) * domain.step + origin;
    return Math.min(last, Math.max(origin, value));
  }
}
