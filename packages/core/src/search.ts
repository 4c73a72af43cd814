/**
 * The contract between a search and its strategies (brute force, random, TPE, NSGA-II, a
 * plugin's). It lives in core, beside the engine contract, so that a plugin can add a strategy
 * through the registry without depending on the package that runs searches.
 */

/** A value a search parameter can take. */
export type SearchValue = number | string | boolean;

/**
 * One dimension of a search space.
 *
 * - `categorical`: unordered choices (a quantizer's name, a layout); a strategy must not assume
 *   that neighbouring choices are alike.
 * - `ordinal`: numbers in ascending order (bit widths, channel multipliers); neighbours are alike,
 *   so model-based strategies may treat the index as a number.
 * - `int` and `float`: a range, both ends included, optionally on a log scale.
 */
export type SearchParameter =
  | { readonly kind: 'categorical'; readonly choices: readonly SearchValue[] }
  | { readonly kind: 'ordinal'; readonly choices: readonly number[] }
  | { readonly kind: 'int'; readonly low: number; readonly high: number; readonly log?: boolean }
  | {
      readonly kind: 'float';
      readonly low: number;
      readonly high: number;
      readonly log?: boolean;
    };

/** A search space: parameters by name, in a fixed order (the order strategies enumerate in). */
export type SearchSpace = Readonly<Record<string, SearchParameter>>;

/** One configuration: a value for every parameter of the space. */
export type Assignment = Readonly<Record<string, SearchValue>>;

/** A metric the search optimizes, and which way. */
export interface SearchObjective {
  readonly name: string;
  readonly direction: 'minimize' | 'maximize';
}

/** A trial as strategies see it. */
export interface TrialRecord {
  /** 0, 1, 2, ... in the order trials were proposed. */
  readonly number: number;
  readonly params: Assignment;
  /** `running`: proposed, no result yet (parallel workers); `failed`: no values. */
  readonly state: 'running' | 'complete' | 'failed';
  /** One value per objective, in the objectives' order, when `complete`. */
  readonly values?: readonly number[];
}

/** What a strategy is given to propose trial `trialNumber`. */
export interface ProposeRequest {
  readonly space: SearchSpace;
  readonly objectives: readonly SearchObjective[];
  /** Every earlier trial, in number order (`history.length === trialNumber`). */
  readonly history: readonly TrialRecord[];
  /** The search's seed. */
  readonly seed: number;
  readonly trialNumber: number;
}

/**
 * A search strategy. `propose` must be a pure function of its request: the same space,
 * objectives, history, seed and trial number give the same assignment. That is what makes a
 * search reproducible from its seed, and a search killed and resumed end with the same trials as
 * one that ran through (the history is the only state, and it is saved after every trial).
 */
export interface Strategy {
  /** The next configuration to try, or `undefined` when the strategy has nothing left to try. */
  propose(request: ProposeRequest): Assignment | undefined;
}

/** A registered strategy: `registry.strategies.add('tpe', { description, create })`. */
export interface StrategyEntry {
  /** One line for `ch list strategies`. */
  readonly description: string;
  /** Build the strategy from its options (already checked by the caller against `options`). */
  create(options: Readonly<Record<string, unknown>>): Strategy;
}

/**
 * A search space made for one search: its parameters, and what an assignment of them stands for.
 * `Model` is what the space is built from (for the built-in spaces, `@machop/graph`'s `Graph` of
 * the loaded run) and `Candidate` what a trial evaluates (for them, the quantized `Graph`).
 */
export interface BuiltSearchSpace<Candidate = unknown> {
  readonly space: SearchSpace;
  /**
   * The candidate an assignment stands for, and the configuration to record for it in the
   * search's log (MASE's `sampled_config`: the `[passes.quantize]` table a trial applied).
   */
  realize(assignment: Assignment): { candidate: Candidate; config: unknown };
}

/**
 * A registered search space: `registry.searchSpaces.add('graph/quantize/mixed_precision_ptq',
 * { description, build })`. `build` reads the `[search.search_space]` table of a MASE config
 * (everything but `name`) and throws a one-line error naming the key and the fix when it is bad.
 */
export interface SearchSpaceEntry<Model = unknown, Candidate = unknown> {
  /** One line for `ch search --help`. */
  readonly description: string;
  build(config: Readonly<Record<string, unknown>>, model: Model): BuiltSearchSpace<Candidate>;
}
