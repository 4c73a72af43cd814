import type {
  Assignment,
  SearchParameter,
  SearchValue,
  Strategy,
  StrategyEntry,
  TrialRecord,
} from '@machop/core/base';
import { resolveStrategyOptions, type ResolvedOptions } from './options.js';
import { ParzenEstimator, type ParzenDomain } from './parzen-estimator.js';
import { trialRandom } from './seeded.js';
import { checkSpace, choiceIndex, contains, sampleAssignment } from './space.js';
import { defaultGamma, splitObservations } from './tpe-split.js';

/** TPE's options, with Optuna's `TPESampler` defaults; names are Optuna's in camelCase. */
export const tpeOptionRules = {
  /** Trials drawn at random (as the `random` strategy draws them) before TPE models anything. */
  nStartupTrials: { type: 'integer', default: 10, min: 0 },
  /** Candidates drawn from the good trials' model; the one most likelier there than in the rest wins. */
  nEiCandidates: { type: 'integer', default: 24, min: 1 },
  /** Weight of the prior component (the whole range) in each Parzen estimator. */
  priorWeight: { type: 'number', default: 1, above: 0 },
  considerPrior: { type: 'boolean', default: true },
  considerMagicClip: { type: 'boolean', default: true },
  considerEndpoints: { type: 'boolean', default: false },
  /** gamma(n) = min(ceil(gammaFraction * n), gammaLimit) trials count as good. */
  gammaFraction: { type: 'number', default: 0.1, above: 0, max: 1 },
  gammaLimit: { type: 'integer', default: 25, min: 1 },
} as const;

/** TPE's resolved options. */
export type TpeOptions = ResolvedOptions<typeof tpeOptionRules>;

/**
 * The Tree-structured Parzen Estimator, as Optuna 3.1's `TPESampler` with its defaults
 * (univariate, independent per parameter). Until `nStartupTrials` trials are complete it draws
 * at random; then it splits the complete trials into the best gamma(n) and the rest, fits a
 * Parzen estimator to each per parameter, draws `nEiCandidates` values from the good one and
 * keeps the value with the largest likelihood ratio. Several objectives use Optuna 3.1's
 * multi-objective split (non-domination ranks, then hypervolume) and weights. Running and failed
 * trials, and complete ones with a NaN value, are ignored, as Optuna ignores them.
 */
export function tpe(options: Readonly<Record<string, unknown>> = {}): Strategy {
  const settings = resolveStrategyOptions('tpe', tpeOptionRules, options);
  return {
    propose({ space, objectives, history, seed, trialNumber }) {
      checkSpace(space);
      const observed = history.filter(
        (trial): trial is TrialRecord & { values: readonly number[] } =>
          trial.state === 'complete' &&
          trial.values !== undefined &&
          trial.values.length === objectives.length &&
          trial.values.every((value) => !Number.isNaN(value)),
      );
      if (observed.length < settings.nStartupTrials) {
        return sampleAssignment(space, trialRandom(seed, trialNumber));
      }
      const signs = objectives.map((objective) => (objective.direction === 'maximize' ? -1 : 1));
      const losses = observed.map((trial) => trial.values.map((value, i) => signs[i] * value));
      const gamma = defaultGamma(observed.length, settings.gammaFraction, settings.gammaLimit);
      const split = splitObservations(losses, gamma);
      const random = trialRandom(seed, trialNumber, 1);
      const assignment: Record<string, SearchValue> = {};
      for (const [name, parameter] of Object.entries(space)) {
        const only = singleValue(parameter);
        if (only !== undefined) {
          assignment[name] = only;
          continue;
        }
        const domain = domainOf(parameter);
        const model = (value: SearchValue | undefined) =>
          contains(parameter, value) ? toModel(parameter, value as SearchValue) : undefined;
        const below: number[] = [];
        const belowWeights: number[] = [];
        split.below.forEach((index, k) => {
          const value = model(observed[index].params[name]);
          if (value === undefined) return;
          below.push(value);
          if (split.belowWeights) belowWeights.push(split.belowWeights[k]);
        });
        const above = split.above
          .map((index) => model(observed[index].params[name]))
          .filter((value): value is number => value !== undefined);
        const good = new ParzenEstimator(
          domain,
          below,
          settings,
          split.belowWeights && belowWeights,
        );
        const rest = new ParzenEstimator(domain, above, settings);
        const candidates = good.sample(random, settings.nEiCandidates);
        const likelihoods = good.logPdf(candidates);
        const others = rest.logPdf(candidates);
        let best = 0;
        for (let i = 1; i < candidates.length; i += 1) {
          if (likelihoods[i] - others[i] > likelihoods[best] - others[best]) best = i;
        }
        assignment[name] = fromModel(parameter, candidates[best]);
      }
      return assignment satisfies Assignment;
    },
  };
}

// A parameter with one possible value is not sampled (Optuna returns it without its sampler).
function singleValue(parameter: SearchParameter): SearchValue | undefined {
  if (parameter.kind === 'categorical' || parameter.kind === 'ordinal') {
    return parameter.choices.length === 1 ? parameter.choices[0] : undefined;
  }
  return parameter.low === parameter.high ? parameter.low : undefined;
}

// How TPE models a parameter: categorical choices as categories; ordinal choices as their
// indices 0..k-1, like an int (MASE samples every choice so); int and float ranges as numbers,
// on a log scale when `log`, as Optuna's _calculate_parzen_bounds does.
function domainOf(parameter: SearchParameter): ParzenDomain {
  switch (parameter.kind) {
    case 'categorical':
      return { kind: 'categorical', count: parameter.choices.length };
    case 'ordinal': {
      const last = parameter.choices.length - 1;
      return {
        kind: 'numerical',
        low: -0.5,
        high: last + 0.5,
        log: false,
        step: 1,
        integer: true,
        origin: 0,
        last,
      };
    }
    case 'int':
      return parameter.log
        ? {
            kind: 'numerical',
            low: Math.log(parameter.low - 0.5),
            high: Math.log(parameter.high + 0.5),
            log: true,
            integer: true,
            origin: parameter.low,
            last: parameter.high,
          }
        : {
            kind: 'numerical',
            low: parameter.low - 0.5,
            high: parameter.high + 0.5,
            log: false,
            step: 1,
            integer: true,
            origin: parameter.low,
            last: parameter.high,
          };
    case 'float':
      return parameter.log
        ? {
            kind: 'numerical',
            low: Math.log(parameter.low),
            high: Math.log(parameter.high),
            log: true,
            integer: false,
            origin: parameter.low,
            last: parameter.high,
          }
        : {
            kind: 'numerical',
            low: parameter.low,
            high: parameter.high,
            log: false,
            integer: false,
            origin: parameter.low,
            last: parameter.high,
          };
  }
}

function toModel(parameter: SearchParameter, value: SearchValue): number {
  if (parameter.kind === 'categorical' || parameter.kind === 'ordinal') {
    return choiceIndex(parameter, value);
  }
  return parameter.log ? Math.log(value as number) : (value as number);
}

function fromModel(parameter: SearchParameter, value: number): SearchValue {
  if (parameter.kind === 'categorical' || parameter.kind === 'ordinal')
    return parameter.choices[value];
  return value;
}

/** The `tpe` registry entry; its options are {@link tpeOptionRules}. */
export const tpeEntry: StrategyEntry = {
  description:
    "Optuna's TPE (10 random start-up trials, then Parzen estimators); MOTPE for several metrics",
  create: (options) => tpe(options),
};
