import {
  defaultCacheDir,
  getRegistry,
  resolveEntryOptions,
  type OptionValues,
  type Reporter,
  type SplitOptions,
  type TabularDataset,
} from '@machop/core/base';

/** Which data set to load, as `train`'s options give it. */
export interface DatasetChoice {
  dataset: string;
  datasetOptions?: OptionValues;
  /** Overrides of the default split given to the cache. */
  split?: Partial<SplitOptions>;
  cacheDir?: string;
}

/**
 * The data set a worker loaded last, kept for the next trial: trials of a sweep mostly share one
 * data set configuration, so a worker loads and prepares it once rather than once per trial. A
 * trial with another configuration (data set, its options, split or cache folder) loads afresh
 * and replaces it, so a worker holds at most one data set in memory.
 *
 * The default split is the caller's (the trainer's `TRAIN_DEFAULTS.split`), so this package,
 * which only plans and reads, never loads the trainer and its compute backends.
 */
export class DatasetCache {
  readonly #defaultSplit: SplitOptions;
  #key: string | undefined;
  #data: TabularDataset | undefined;
  /** How many times a data set was loaded (not taken from the cache). */
  loads = 0;

  /** @param defaultSplit - the split a trial without its own gets, as `train` would apply it. */
  constructor(defaultSplit: SplitOptions) {
    this.#defaultSplit = defaultSplit;
  }

  /** The data set `train(options)` would load, loading it only when it is not the cached one. */
  async get(
    options: DatasetChoice,
    context: { signal?: AbortSignal; reporter?: Reporter } = {},
  ): Promise<TabularDataset> {
    const entry = getRegistry().datasets.get(options.dataset);
    const resolved = resolveEntryOptions('dataset', entry, options.datasetOptions ?? {});
    const split = { ...this.#defaultSplit, ...options.split };
    const cacheDir = options.cacheDir ?? defaultCacheDir();
    const key = JSON.stringify([options.dataset, resolved, split, cacheDir]);
    if (this.#data && this.#key === key) return this.#data;
    this.#data = undefined;
    const data = await entry.load({
      options: resolved,
      split,
      cacheDir,
      reporter: context.reporter ?? { info() {} },
      signal: context.signal,
    });
    this.loads++;
    this.#key = key;
    this.#data = data;
    return data;
  }
}
