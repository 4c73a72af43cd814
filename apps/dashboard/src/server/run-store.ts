import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  listRuns,
  RUN_FILES,
  runPaths,
  runSettings,
  stepsPerEpoch,
  type RunInfo,
} from '@machop/runs';
import { realPathInside } from './safe-path.js';
import type { MetricsResponse, RunView } from '../api-types.js';
import { SeriesCache, toResponse, type SeriesAnswer, type SeriesOptions } from './series-cache.js';

function view(run: RunInfo): RunView {
  const { config } = run;
  return {
    id: `${run.project}/${run.id}`,
    project: run.project,
    run: run.id,
    name: config.name ?? null,
    tags: config.tags ?? [],
    status: run.status,
    createdAt: config.createdAt,
    model: {
      name: config.model?.name,
      options: config.model?.options,
      parameters: config.model?.parameters,
    },
    dataset: {
      name: config.dataset?.name,
      options: config.dataset?.options,
      classNames: config.dataset?.classNames ?? [],
    },
    options: config.options ?? {},
    // Read here, by @machop/runs, so that the page names, groups and places runs as `ch plot` does.
    settings: Object.fromEntries(runSettings(run)),
    stepsPerEpoch: stepsPerEpoch(config) ?? null,
    sweep: config.sweep ?? null,
    quantized: (config.model?.quant ?? []).some((layer) => layer !== null),
    backend: config.backend?.name ?? null,
    summary: run.summary,
    test: run.test,
  };
}

/** How often the store looks again without being told (live runs' statuses, and where watching fails). */
const POLL_MS = 2000;
/**
 * How many metric records the store reads ahead of requests at startup: 200 runs of 10,000 points
 * (2 million) hold about 100 MB in columns.
 */
const INDEX_RECORDS = 2_500_000;
/** Changes closer together than this are reported once. */
const SETTLE_MS = 100;

/**
 * The runs of one project dir, as the dashboard serves them. Reads go through @machop/runs
 * (`listRuns`, `MetricsTail`); a run whose files lead out of the project dir through a symlink is
 * left out. While someone listens it watches the project dir (and polls as a fallback, which also
 * catches runs whose process died) and emits `runs` when the list changed and `metrics` (with a run
 * id) when a run's metrics.jsonl grew.
 */
export class RunStore extends EventEmitter<{ runs: []; metrics: [id: string] }> {
  private runs = new Map<string, RunInfo>();
  private fingerprint = '';
  private caches = new Map<string, SeriesCache>();
  private sizes = new Map<string, number>();
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private settle = new Map<string, NodeJS.Timeout>();
  private refreshing: Promise<void> | undefined;
  private root = '';
  private closed = false;
  /** Settles once every run listed at opening has had its log read (or the store was closed). */
  indexed: Promise<void> = Promise.resolve();
  /** Whether changes are noticed by watching (true) or only by polling. */
  watching = false;

  constructor(readonly projectDir: string) {
    super();
  }

  /**
   * Read the project dir once; call before serving. The runs' logs are then read in the
   * background (see {@link RunStore.index}), so `indexed` resolves later.
   */
  async open(): Promise<void> {
    this.root = await realpath(this.projectDir);
    await this.refresh();
    this.indexed = this.index();
  }

  /**
   * Read every listed run's log into its columns, one run at a time, letting requests in between.
   * A page's first request for 20 runs of 10,000 points then costs slices, not 20 parses, which
   * took about a second of the server's CPU while the page waited. Reading stops once the store
   * holds {@link INDEX_RECORDS} records, so that a bigger project does not fill the memory; runs
   * past that, and runs asked for before their turn, are read when asked for, as before.
   */
  private async index(): Promise<void> {
    let held = 0;
    for (const id of [...this.runs.keys()]) {
      if (this.closed || held >= INDEX_RECORDS) return;
      // The path a request takes (the log must be inside the project dir), asking for no points.
      const answer = await this.series(id, { names: [] }).catch(() => undefined);
      held += answer?.next ?? 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Metric records held in memory, over all runs. */
  get records(): number {
    let count = 0;
    for (const cache of this.caches.values()) count += cache.records;
    return count;
  }

  /** Stop for good: no more watching, polling or reading in the background. */
  close(): void {
    this.closed = true;
    this.stop();
  }

  /** The runs, sorted by project and run id. */
  list(): RunView[] {
    return [...this.runs.values()].map(view);
  }

  has(id: string): boolean {
    return this.runs.has(id);
  }

  /** Metrics of a listed run, or undefined when there is no such run or its log leads outside. */
  async metrics(id: string, options: SeriesOptions): Promise<MetricsResponse | undefined> {
    const answer = await this.series(id, options);
    return answer && toResponse(answer);
  }

  /**
   * {@link RunStore.metrics} with the points in typed arrays, as held: what the server encodes.
   * @internal
   */
  async series(id: string, options: SeriesOptions): Promise<SeriesAnswer | undefined> {
    const run = this.runs.get(id);
    if (!run) return undefined;
    const file = runPaths(run.dir).metrics;
    if (!(await this.inside(file))) {
      // No log yet (a run just created) is an empty run, not an error.
      if (await exists(file)) return undefined;
    }
    let cache = this.caches.get(id);
    if (!cache) {
      cache = new SeriesCache(file);
      this.caches.set(id, cache);
    }
    return cache.query(id, options);
  }

  /** List the runs again; emits `runs` when anything a page shows changed. */
  refresh(): Promise<void> {
    this.refreshing ??= this.relist().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async relist(): Promise<void> {
    let found: RunInfo[];
    try {
      found = await listRuns(this.root);
    } catch {
      // A folder vanishing or unreadable mid-listing: keep what we had and try again later.
      return;
    }
    const kept: RunInfo[] = [];
    for (const run of found) if (await this.safe(run)) kept.push(run);
    const next = new Map(kept.map((run) => [`${run.project}/${run.id}`, run]));
    for (const id of this.caches.keys()) if (!next.has(id)) this.caches.delete(id);
    this.runs = next;
    const fingerprint = JSON.stringify(
      kept.map((run) => [run.project, run.id, run.status, run.summary?.endedAt, !!run.test]),
    );
    if (fingerprint !== this.fingerprint) {
      this.fingerprint = fingerprint;
      this.emit('runs');
    }
  }

  private async safe(run: RunInfo): Promise<boolean> {
    const paths = runPaths(run.dir);
    if (!(await this.inside(paths.dir)) || !(await this.inside(paths.config))) return false;
    for (const file of [paths.summary, paths.test])
      if ((await exists(file)) && !(await this.inside(file))) return false;
    return true;
  }

  private async inside(file: string): Promise<boolean> {
    return (await realPathInside(this.root, file)) !== undefined;
  }

  /** Start noticing changes (the server does this while an events stream is open). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    this.timer.unref();
    try {
      this.watcher = watch(this.root, { recursive: true }, (_event, name) => {
        if (name) this.changed(name.toString());
      });
      this.watcher.on('error', () => this.stopWatching());
      this.watching = true;
    } catch {
      this.stopWatching();
    }
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.watching = false;
  }

  /** Stop watching and polling. */
  stop(): void {
    this.stopWatching();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const timeout of this.settle.values()) clearTimeout(timeout);
    this.settle.clear();
  }

  private changed(relative: string): void {
    const parts = relative.split(path.sep);
    if (parts.length === 3 && parts[2] === RUN_FILES.metrics) {
      const id = `${parts[0]}/${parts[1]}`;
      if (this.runs.has(id)) this.later(id, () => void this.grew(id));
      else this.later('', () => void this.refresh());
    } else if (parts.length <= 3) this.later('', () => void this.refresh());
  }

  /**
   * Tell listeners that a run's log grew, if it did: a log that was deleted (with its run) or
   * only touched is no reason for a page to ask for it.
   */
  private async grew(id: string): Promise<void> {
    const run = this.runs.get(id);
    if (!run) return;
    let size: number;
    try {
      size = (await stat(runPaths(run.dir).metrics)).size;
    } catch {
      return void this.refresh();
    }
    if (this.sizes.get(id) === size) return;
    this.sizes.set(id, size);
    this.emit('metrics', id);
  }

  private later(key: string, action: () => void): void {
    if (this.settle.has(key)) return;
    this.settle.set(
      key,
      setTimeout(() => {
        this.settle.delete(key);
        action();
      }, SETTLE_MS),
    );
  }

  private async poll(): Promise<void> {
    // Listing reads every run's files: with hundreds of runs that is real work every 2 s, taken
    // from the page. While watching works, changes arrive as events; what no event announces is a
    // training process dying, so the list is read again only while some run is live.
    const live = [...this.runs.values()].some((run) => run.status === 'running');
    if (this.watching && !live) return;
    await this.refresh();
    if (this.watching) return;
    for (const [id, run] of this.runs) {
      let size: number;
      try {
        size = (await stat(runPaths(run.dir).metrics)).size;
      } catch {
        continue;
      }
      if (this.sizes.has(id) && this.sizes.get(id) !== size) this.emit('metrics', id);
      this.sizes.set(id, size);
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
