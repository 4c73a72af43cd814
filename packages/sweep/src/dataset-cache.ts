import {
  defaultCacheDir,
  getRegistry,
  resolveEntryOptions,
  type Reporter,
  type TabularDataset,
} from '@machop/core/base';
import { TRAIN_DEFAULTS, type TrainOptions } from '@machop/trainer/options';

/**
 * The data set a worker loaded last, kept for the next trial: trials of a sweep mostly share one
 * data set configuration, so a worker loads and prepares it once rather than once per trial. A
 * trial with another configuration (data set, its options, split or cache folder) loads afresh
 * and replaces it, so a worker holds at most one data set in memory.
 */
export class DatasetCache {
  #key: string | undefined;
  #data: TabularDataset | undefined;
  /** How many times a data set was loaded (not taken from the cache). */
  loads = 0;

  /** The data set `train(options)` would load, loading it only when it is not the cached one. */
  async get(
    options: Pick<TrainOptions, 'dataset' | 'datasetOptions' | 'split' | 'cacheDir'>,
    context: { signal?: AbortSignal; reporter?: Reporter } = {},
  ): Promise<TabularDataset> {
    const entry = getRegistry().datasets.get(options.dataset);
    const resolved = resolveEntryOptions('dataset', entry, options.datasetOptions ?? {});
    const split = { ...TRAIN_DEFAULTS.split, ...options.split };
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
