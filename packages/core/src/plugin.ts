import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PluginError, isMachopError } from './errors.js';
import { registryState, scopedRegistry, type Registry } from './registry.js';

/** The plugin API version this release implements. Plugins declare the version they target. */
export const PLUGIN_API_VERSION = 1;

/** A Machop.ts plugin: a named object whose `setup` adds entries to the registry. */
export interface Plugin<Options = Record<string, unknown>> {
  /** Unique name, usually the npm package name. */
  name: string;
  /** The plugin API the plugin was written for; must equal {@link PLUGIN_API_VERSION}. */
  apiVersion: number;
  /** Called once per process with a registry that records this plugin as the source of what it adds. */
  setup(registry: Registry, options: Options): void | Promise<void>;
}

/**
 * Declare a plugin. Returns it unchanged; exists for type checking and for symmetry with
 * `defineConfig`. A plugin file may also default-export the plain object.
 *
 * @example
 * export default definePlugin({
 *   name: 'machop-plugin-mixer',
 *   apiVersion: 1,
 *   setup(registry) { registry.models.add('mixer-s', { description, task: 'classification', create }); },
 * });
 */
export function definePlugin<Options = Record<string, unknown>>(
  plugin: Plugin<Options>,
): Plugin<Options> {
  return plugin;
}

/** A plugin to load: a package name, a file path, a plugin object, or any of these with options. */
export type PluginSpec =
  string | Plugin<never> | readonly [string | Plugin<never>, Record<string, unknown>];

/** What {@link loadPlugins} did with one spec. */
export interface LoadedPlugin {
  name: string;
  apiVersion: number;
  /** The package name or absolute file path it came from, or `<object>`. */
  source: string;
  /** False when a plugin of that name had already been set up in this process. */
  setUp: boolean;
}

/**
 * Whether a string spec is a path rather than a package name: it starts with `.`, `/` or
 * `file:`, ends in a script extension, or names an existing file. So `plugins/my-plugin.mjs`
 * is a path, as people write it on a command line, while `machop-plugin-x` and
 * `@scope/machop-plugin-x` stay package names.
 */
function isPathSpec(spec: string, cwd: string): boolean {
  if (spec.startsWith('.') || path.isAbsolute(spec) || spec.startsWith('file:')) return true;
  if (/\.(?:js|mjs|cjs|ts|mts|cts)$/.test(spec)) return true;
  const file = path.resolve(cwd, spec);
  return existsSync(file) && statSync(file).isFile();
}

/** The file a package folder's manifest names for `subpath`, preferring `import` conditions. */
function packageEntry(root: string, subpath: string): string {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    exports?: unknown;
    module?: string;
    main?: string;
  };
  const target =
    pickExport(manifest.exports, subpath) ??
    (subpath === '.' ? (manifest.module ?? manifest.main ?? 'index.js') : subpath);
  return path.join(root, target);
}

/** Resolve a package's ESM entry from `cwd`, preferring `import` conditions over `require`. */
function resolvePackage(spec: string, cwd: string): string {
  const parts = spec.split('/');
  const packageName = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  const subpath = '.' + spec.slice(packageName.length);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const root = path.join(dir, 'node_modules', packageName);
    if (existsSync(path.join(root, 'package.json'))) return packageEntry(root, subpath);
    if (path.dirname(dir) === dir) break;
  }
  // Fall back to Node's own resolution (handles workspaces and unusual layouts).
  return createRequire(path.join(path.resolve(cwd), 'noop.js')).resolve(spec);
}

function pickExport(exports: unknown, subpath: string): string | undefined {
  if (exports === undefined || exports === null) return undefined;
  if (typeof exports === 'string') return subpath === '.' ? exports : undefined;
  const map = exports as Record<string, unknown>;
  const keys = Object.keys(map);
  const target = keys.some((key) => key.startsWith('.'))
    ? map[subpath]
    : subpath === '.'
      ? map
      : undefined;
  return pickCondition(target);
}

function pickCondition(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) return target.map(pickCondition).find((value) => value !== undefined);
  if (target && typeof target === 'object') {
    const conditions = target as Record<string, unknown>;
    for (const condition of ['import', 'node', 'default', 'require']) {
      if (condition in conditions) {
        const picked = pickCondition(conditions[condition]);
        if (picked !== undefined) return picked;
      }
    }
  }
  return undefined;
}

async function importPlugin(
  spec: string,
  cwd: string,
): Promise<{ value: unknown; source: string }> {
  let file: string;
  const isPath = isPathSpec(spec, cwd);
  if (isPath) {
    file = spec.startsWith('file:') ? new URL(spec).pathname : path.resolve(cwd, spec);
    if (!existsSync(file)) {
      throw new PluginError(
        `cannot load plugin "${spec}": no file at ${file} (relative paths are resolved from ${cwd})`,
      );
    }
    // A package folder (a plugin under development: `ch --plugin .`) loads through its manifest.
    if (statSync(file).isDirectory()) {
      if (!existsSync(path.join(file, 'package.json')))
        throw new PluginError(
          `cannot load plugin "${spec}": ${file} is a folder without a package.json; pass the plugin's file or its package folder`,
        );
      file = packageEntry(file, '.');
      if (!existsSync(file))
        throw new PluginError(
          `cannot load plugin "${spec}": its package.json names ${file}, which does not exist; build the plugin first (npm run build)`,
        );
    }
  } else {
    try {
      file = resolvePackage(spec, cwd);
    } catch (error) {
      throw new PluginError(
        `cannot load plugin "${spec}": package not found from ${cwd}; install it (npm install ${spec}) or pass a file path`,
        { cause: error },
      );
    }
  }
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    return { value: module.default ?? module, source: isPath ? file : spec };
  } catch (error) {
    if (isMachopError(error)) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new PluginError(`cannot load plugin "${spec}" (${file}): ${reason}`, { cause: error });
  }
}

function checkPlugin(value: unknown, source: string): Plugin<Record<string, unknown>> {
  const plugin = value as Partial<Plugin<Record<string, unknown>>> | undefined;
  if (
    !plugin ||
    typeof plugin !== 'object' ||
    typeof plugin.name !== 'string' ||
    plugin.name === '' ||
    typeof plugin.setup !== 'function'
  ) {
    throw new PluginError(
      `plugin ${source} does not export a plugin: default-export definePlugin({ name, apiVersion: ${PLUGIN_API_VERSION}, setup(registry) { ... } })`,
    );
  }
  if (plugin.apiVersion !== PLUGIN_API_VERSION) {
    throw new PluginError(
      `plugin "${plugin.name}" (${source}) targets plugin API ${String(plugin.apiVersion)}, but this Machop.ts implements API ${PLUGIN_API_VERSION}; use a version of the plugin made for API ${PLUGIN_API_VERSION}`,
    );
  }
  return plugin as Plugin<Record<string, unknown>>;
}

/**
 * Load plugins and run their `setup` once each (a plugin already set up in this process, for
 * example by another copy of this package, is skipped). Specs are package names (resolved from
 * `cwd`), file paths, or plugin objects. A module may default-export the plugin object or a
 * factory `(options) => plugin`.
 *
 * Throws {@link PluginError} for a missing module, a module that is not a plugin, or an
 * `apiVersion` other than {@link PLUGIN_API_VERSION}; registry errors (such as a taken name)
 * propagate unchanged.
 */
export async function loadPlugins(
  specs: readonly PluginSpec[],
  options: { cwd?: string } = {},
): Promise<LoadedPlugin[]> {
  const cwd = options.cwd ?? process.cwd();
  const loaded: LoadedPlugin[] = [];
  for (const spec of specs) {
    const [target, pluginOptions] = Array.isArray(spec)
      ? (spec as readonly [string | Plugin<never>, Record<string, unknown>])
      : [spec as string | Plugin<never>, {}];
    const { value, source } =
      typeof target === 'string'
        ? await importPlugin(target, cwd)
        : { value: target, source: '<object>' };
    const candidate =
      typeof value === 'function'
        ? (value as (options: Record<string, unknown>) => unknown)(pluginOptions)
        : value;
    const plugin = checkPlugin(candidate, typeof target === 'string' ? `"${target}"` : 'object');
    const done = registryState().plugins;
    if (done.has(plugin.name)) {
      loaded.push({ name: plugin.name, apiVersion: plugin.apiVersion, source, setUp: false });
      continue;
    }
    // Recorded before setup so a plugin that loads itself again does not recurse.
    done.set(plugin.name, { name: plugin.name, apiVersion: plugin.apiVersion, source });
    try {
      await plugin.setup(scopedRegistry(plugin.name), pluginOptions);
    } catch (error) {
      if (isMachopError(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new PluginError(`plugin "${plugin.name}" (${source}) failed in setup: ${reason}`, {
        cause: error,
      });
    }
    loaded.push({ name: plugin.name, apiVersion: plugin.apiVersion, source, setUp: true });
  }
  return loaded;
}

/** Plugins whose setup has run in this process. */
export function loadedPlugins(): { name: string; apiVersion: number; source: string }[] {
  return [...registryState().plugins.values()];
}
