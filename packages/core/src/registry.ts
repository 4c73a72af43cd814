import { RegistryError } from './errors.js';
import { closestNames } from './suggest.js';
import type { EngineEntry } from './engine.js';
import type { SearchSpaceEntry, StrategyEntry } from './search.js';
import type { DatasetEntry, ModelEntry } from './types.js';

/** An entry as stored: what the plugin added, plus its name and the plugin that added it. */
export type Registered<E> = E & {
  readonly name: string;
  /** Name of the plugin that added the entry. */
  readonly plugin: string;
};

/** The entries of one kind (models, data sets, ...). */
export interface Collection<E> {
  /** Singular noun for messages: `model`, `dataset`. */
  readonly kind: string;
  /** Add an entry. Throws if the name is taken, naming both plugins. */
  add(name: string, entry: E): void;
  /** The entry called `name`. Throws if unknown, listing the closest known names. */
  get(name: string): Registered<E>;
  has(name: string): boolean;
  /** Every entry, sorted by name. */
  list(): Registered<E>[];
}

/**
 * The registry of everything plugins provide. Kinds are properties, so kinds added later
 * (metrics, optimizers, callbacks) do not change the ones plugins already use.
 */
export interface Registry {
  readonly models: Collection<ModelEntry>;
  readonly datasets: Collection<DatasetEntry>;
  /** Compute engines (tfjs, fused, a plugin's), chosen by priority: see {@link EngineEntry}. */
  readonly engines: Collection<EngineEntry>;
  /** Search strategies (brute force, random, TPE, NSGA-II, a plugin's): see {@link StrategyEntry}. */
  readonly strategies: Collection<StrategyEntry>;
  /**
   * Search spaces by MASE's name (`graph/quantize/mixed_precision_ptq`, a plugin's): see
   * {@link SearchSpaceEntry}.
   */
  readonly searchSpaces: Collection<SearchSpaceEntry>;
}

/** Kinds known to this version, with the noun and CLI word used in messages. */
const KINDS = {
  models: { noun: 'model', listCommand: 'ch list models' },
  datasets: { noun: 'dataset', listCommand: 'ch list datasets' },
  engines: { noun: 'engine', listCommand: 'ch train --help' },
  strategies: { noun: 'strategy', listCommand: 'ch search --help' },
  searchSpaces: { noun: 'search space', listCommand: 'ch search --help' },
} as const;

type KindKey = keyof typeof KINDS;

const NAME = /^[a-z0-9][a-z0-9._-]*$/i;
// Search spaces keep MASE's names, whose words are joined by "/" (`graph/quantize/mixed_precision_ptq`);
// other names become folder names and command-line words, where "/" would not do.
const PATH_NAME = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/i;

/** Plugin name recorded for entries added outside any plugin (by an application directly). */
export const APP_PLUGIN = '<app>';

interface RegistryState {
  readonly version: 1;
  readonly entries: Map<string, Map<string, Registered<unknown>>>;
  /** Plugins whose setup has run, by name. */
  readonly plugins: Map<string, { name: string; apiVersion: number; source: string }>;
}

// The state lives on the global object under a registered symbol, so every copy of this package
// in a process (the ESM and the CJS build, or two versions in node_modules) shares one registry.
const STATE_KEY = Symbol.for('machop.registry.v1');

/** @internal The process-wide registry state, created on first use. */
export function registryState(): RegistryState {
  const holder = globalThis as unknown as Record<symbol, RegistryState | undefined>;
  let state = holder[STATE_KEY];
  if (!state) {
    state = { version: 1, entries: new Map(), plugins: new Map() };
    holder[STATE_KEY] = state;
  }
  return state;
}

function entriesOf(kind: KindKey): Map<string, Registered<unknown>> {
  const entries = registryState().entries;
  let map = entries.get(kind);
  if (!map) {
    map = new Map();
    entries.set(kind, map);
  }
  return map;
}

class ScopedCollection<E> implements Collection<E> {
  readonly kind: string;

  constructor(
    private readonly key: KindKey,
    private readonly plugin: string,
  ) {
    this.kind = KINDS[key].noun;
  }

  add(name: string, entry: E): void {
    const pattern = this.key === 'searchSpaces' ? PATH_NAME : NAME;
    if (typeof name !== 'string' || !pattern.test(name)) {
      throw new RegistryError(
        'E_REGISTRY_NAME',
        `plugin "${this.plugin}" tried to add ${this.kind} ${JSON.stringify(name)}: names use letters, digits, ".", "_" and "-"${this.key === 'searchSpaces' ? ' (and "/" between words)' : ''} and start with a letter or digit`,
      );
    }
    if (typeof entry !== 'object' || entry === null) {
      throw new RegistryError(
        'E_REGISTRY_ENTRY',
        `plugin "${this.plugin}" tried to add ${this.kind} "${name}" without an entry object; pass { description, task, ... }`,
      );
    }
    const map = entriesOf(this.key);
    const taken = map.get(name);
    if (taken) {
      throw new RegistryError(
        'E_REGISTRY_DUPLICATE',
        `${this.kind} "${name}" is already registered by plugin "${taken.plugin}"; plugin "${this.plugin}" cannot add it again (rename one of them)`,
      );
    }
    map.set(name, Object.freeze({ ...entry, name, plugin: this.plugin }));
  }

  get(name: string): Registered<E> {
    const found = entriesOf(this.key).get(name);
    if (found) return found as Registered<E>;
    const known = [...entriesOf(this.key).keys()];
    const close = closestNames(name, known);
    const hint =
      close.length > 0
        ? `did you mean ${close.map((n) => `"${n}"`).join(', ')}?`
        : `known: ${known.length > 0 ? known.join(', ') : 'none (is its plugin loaded?)'}`;
    throw new RegistryError(
      'E_REGISTRY_UNKNOWN',
      `unknown ${this.kind} "${name}": ${hint} (run "${KINDS[this.key].listCommand}" to see all)`,
    );
  }

  has(name: string): boolean {
    return entriesOf(this.key).has(name);
  }

  list(): Registered<E>[] {
    return [...entriesOf(this.key).values()].sort((a, b) =>
      a.name.localeCompare(b.name),
    ) as Registered<E>[];
  }
}

/**
 * @internal A view of the process-wide registry whose additions are recorded as made by
 * `plugin`. Not exported from the package: only {@link loadPlugins} hands one out, to a plugin's
 * `setup`, after checking the plugin (its name, its `apiVersion`, that it is set up once).
 * Public, it would let any code credit entries to any plugin name. Applications use
 * {@link getRegistry}, which credits `<app>`.
 */
export function scopedRegistry(plugin: string): Registry {
  return {
    models: new ScopedCollection<ModelEntry>('models', plugin),
    datasets: new ScopedCollection<DatasetEntry>('datasets', plugin),
    engines: new ScopedCollection<EngineEntry>('engines', plugin),
    strategies: new ScopedCollection<StrategyEntry>('strategies', plugin),
    searchSpaces: new ScopedCollection<SearchSpaceEntry>('searchSpaces', plugin),
  };
}

/** The process-wide registry. Entries added through it are recorded as added by `<app>`. */
export function getRegistry(): Registry {
  return scopedRegistry(APP_PLUGIN);
}
