import {
  ConfigError,
  type Assignment,
  type SearchSpace,
  type SearchValue,
  type Strategy,
  type StrategyEntry,
} from '@machop/core/base';
import { resolveStrategyOptions } from './options.js';
import { checkSpace, choiceIndex } from './space.js';

/** How many configurations a finite space has (the product of its choice counts). */
export function countConfigurations(space: SearchSpace): number {
  let count = 1;
  for (const choices of finiteChoices(space)) count *= choices.length;
  return count;
}

/**
 * The `index`-th configuration of a finite space in brute force's order: the space's parameters
 * as nested loops, the first outermost and the last changing fastest (an odometer).
 */
export function configurationAt(space: SearchSpace, index: number): Assignment {
  const names = Object.keys(space);
  const choices = finiteChoices(space);
  const assignment: Record<string, SearchValue> = {};
  let rest = index;
  for (let i = names.length - 1; i >= 0; i -= 1) {
    const count = choices[i].length;
    assignment[names[i]] = choices[i][rest % count];
    rest = Math.floor(rest / count);
  }
  // Keep the space's key order, which the loop above built backwards.
  return Object.fromEntries(names.map((name) => [name, assignment[name]]));
}

/**
 * Brute force: every configuration of a finite space, once each, in {@link configurationAt}'s
 * order. It proposes the first configuration no earlier trial has (whatever that trial's state,
 * so a running or failed trial is not tried again), and `undefined` when none is left. Working
 * from the history rather than the trial number means a search resumed with trials of another
 * strategy still skips nothing and repeats nothing.
 */
export function bruteForce(): Strategy {
  return {
    propose({ space, history }) {
      const names = Object.keys(space);
      const total = countConfigurations(space);
      const seen = new Set<number>();
      for (const trial of history) {
        const index = indexOf(space, names, trial.params);
        if (index >= 0) seen.add(index);
      }
      // At most history.length + 1 steps: every index skipped is one some trial holds.
      for (let index = 0; index < total; index += 1) {
        if (!seen.has(index)) return configurationAt(space, index);
      }
      return undefined;
    },
  };
}

// The position of an assignment in brute force's order, or -1 when one of its values is not a
// choice of the space.
function indexOf(space: SearchSpace, names: readonly string[], params: Assignment): number {
  let index = 0;
  for (const name of names) {
    const parameter = space[name];
    if (parameter.kind !== 'categorical' && parameter.kind !== 'ordinal') return -1;
    const position = choiceIndex(parameter, params[name]);
    if (position < 0) return -1;
    index = index * parameter.choices.length + position;
  }
  return index;
}

function finiteChoices(space: SearchSpace): (readonly SearchValue[])[] {
  checkSpace(space);
  return Object.entries(space).map(([name, parameter]) => {
    if (parameter.kind === 'categorical' || parameter.kind === 'ordinal') return parameter.choices;
    throw new ConfigError(
      `brute force needs choices, but search space parameter "${name}" is ${parameter.kind === 'int' ? 'an int' : 'a float'} range [${parameter.low}, ${parameter.high}]: list its values as choices or use another strategy (random, tpe, nsga2)`,
    );
  });
}

/** The `brute-force` registry entry. It takes no options. */
export const bruteForceEntry: StrategyEntry = {
  description: 'every configuration of a finite space once, in a fixed order (MASE: "brute_force")',
  create(options) {
    resolveStrategyOptions('brute-force', {}, options);
    return bruteForce();
  },
};
