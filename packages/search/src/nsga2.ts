import type {
  Assignment,
  SearchObjective,
  SearchSpace,
  SearchValue,
  Strategy,
  StrategyEntry,
  TrialRecord,
} from '@machop/core/base';
import { crowdingDistances } from './crowding.js';
import { resolveStrategyOptions } from './options.js';
import { dominates, nonDominatedFronts } from './pareto.js';
import { randomIndex, trialRandom, type Random } from './seeded.js';
import { checkSpace, contains, sampleAssignment, sampleParameter } from './space.js';

/** NSGA-II's options, with Optuna 3.1's `NSGAIISampler` defaults; names are Optuna's in camelCase. */
export const nsga2OptionRules = {
  /** Trials per generation; generation g is trials g * populationSize to (g + 1) * populationSize - 1. */
  populationSize: { type: 'integer', default: 50, min: 2 },
  /** Chance that a child's parameter is drawn afresh; 1 / (number of parameters) when absent. */
  mutationProb: { type: 'number', min: 0, max: 1 },
  /** Chance that a child mixes two parents rather than copying one. */
  crossoverProb: { type: 'number', default: 0.9, min: 0, max: 1 },
  /** Uniform crossover: chance that a parameter is taken from the first parent, not the second. */
  swappingProb: { type: 'number', default: 0.5, min: 0, max: 1 },
} as const;

type Complete = TrialRecord & { values: readonly number[] };

/**
 * NSGA-II as Optuna 3.1's `NSGAIISampler` (uniform crossover for every parameter, binary
 * tournament by domination, per-parameter mutation to a fresh random value, elites by
 * non-dominated sort then crowding distance). Generations come from trial numbers, not from
 * when trials finish: generation 0 is drawn at random (as `random` draws), and generation g's
 * parents are the elites of generation g - 1's complete trials together with g - 1's parents.
 * So every proposal is a pure function of the history, whatever order workers finish in.
 */
export function nsga2(options: Readonly<Record<string, unknown>> = {}): Strategy {
  const settings = resolveStrategyOptions('nsga2', nsga2OptionRules, options);
  const size = settings.populationSize;
  return {
    propose({ space, objectives, history, seed, trialNumber }) {
      checkSpace(space);
      const generation = Math.floor(trialNumber / size);
      const parents = parentPopulation(history, objectives, generation, size);
      if (parents.length === 0) return sampleAssignment(space, trialRandom(seed, trialNumber));
      const random = trialRandom(seed, trialNumber, 2);
      const child =
        random() < settings.crossoverProb
          ? crossover(space, tournament(parents, objectives, random), random, settings.swappingProb)
          : parents[randomIndex(random, parents.length)].params;
      const names = Object.keys(space);
      const mutation = settings.mutationProb ?? 1 / Math.max(1, names.length);
      const assignment: Record<string, SearchValue> = {};
      for (const name of names) {
        const value = child[name];
        const keep = random() >= mutation && contains(space[name], value);
        assignment[name] = keep ? value : sampleParameter(space[name], random);
      }
      return assignment satisfies Assignment;
    },
  };
}

// The parents of `generation`: elites carried forward generation by generation from 0.
function parentPopulation(
  history: readonly TrialRecord[],
  objectives: readonly SearchObjective[],
  generation: number,
  size: number,
): Complete[] {
  let parents: Complete[] = [];
  for (let g = 0; g < generation; g += 1) {
    const members = history
      .slice(g * size, (g + 1) * size)
      .filter(
        (trial): trial is Complete =>
          trial.state === 'complete' &&
          trial.values !== undefined &&
          trial.values.length === objectives.length &&
          trial.values.every((value) => !Number.isNaN(value)),
      );
    parents = selectElites([...members, ...parents], objectives, size);
  }
  return parents;
}

// Whole non-dominated fronts while they fit, then the most spread-out of the next front.
function selectElites(
  pool: Complete[],
  objectives: readonly SearchObjective[],
  size: number,
): Complete[] {
  const elites: Complete[] = [];
  for (const front of nonDominatedFronts(
    pool.map((trial) => trial.values),
    objectives,
  )) {
    const members = front.map((i) => pool[i]);
    if (elites.length + members.length < size) {
      elites.push(...members);
      continue;
    }
    const distances = crowdingDistances(members.map((trial) => trial.values));
    const order = members
      .map((_, i) => i)
      .sort((a, b) => distances[b] - distances[a] || members[a].number - members[b].number);
    elites.push(...order.slice(0, size - elites.length).map((i) => members[i]));
    break;
  }
  return elites;
}

// Two parents by binary tournament: of two trials drawn at random, the first if it dominates the
// second, else the second (as Optuna); the second parent is drawn from the rest.
function tournament(
  population: readonly Complete[],
  objectives: readonly SearchObjective[],
  random: Random,
): [Complete, Complete] {
  const pick = (pool: readonly Complete[]) => {
    const first = pool[randomIndex(random, pool.length)];
    const second = pool[randomIndex(random, pool.length)];
    return dominates(first.values, second.values, objectives) ? first : second;
  };
  const one = pick(population);
  const rest = population.filter((trial) => trial !== one);
  return [one, pick(rest.length > 0 ? rest : population)];
}

// Uniform crossover: each parameter from the first parent with chance swappingProb (Optuna's
// mask `rand >= swapping_prob` picks the second).
function crossover(
  space: SearchSpace,
  [first, second]: [Complete, Complete],
  random: Random,
  swappingProb: number,
): Assignment {
  const child: Record<string, SearchValue> = {};
  for (const name of Object.keys(space)) {
    child[name] = random() >= swappingProb ? second.params[name] : first.params[name];
  }
  return child;
}

/** The `nsga2` registry entry; its options are {@link nsga2OptionRules}. */
export const nsga2Entry: StrategyEntry = {
  description: "Optuna's NSGA-II for several metrics (population 50, uniform crossover, mutation)",
  create: (options) => nsga2(options),
};
