import type { Strategy, StrategyEntry } from '@machop/core/base';
import { resolveStrategyOptions } from './options.js';
import { trialRandom } from './seeded.js';
import { checkSpace, sampleAssignment } from './space.js';

/**
 * Random search: every parameter drawn uniformly and independently (log-uniformly on a log
 * scale), from numbers that depend only on the seed and the trial number. Like Optuna's
 * RandomSampler it may propose a configuration twice, and it never runs out.
 */
export function randomSearch(): Strategy {
  return {
    propose({ space, seed, trialNumber }) {
      checkSpace(space);
      return sampleAssignment(space, trialRandom(seed, trialNumber));
    },
  };
}

/** The `random` registry entry. It takes no options. */
export const randomEntry: StrategyEntry = {
  description: 'each parameter drawn uniformly (log-uniformly on a log scale), seeded per trial',
  create(options) {
    resolveStrategyOptions('random', {}, options);
    return randomSearch();
  },
};
