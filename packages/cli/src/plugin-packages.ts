// Where a new plugin gets its @machop packages from: the public registry, this repository's
// workspaces, or tarballs packed from a checkout of it. The packages are not on the public
// registry until they are released, so a plugin made next to a checkout must not ask it.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConfigError } from '@machop/core/base';

const run = promisify(execFile);

/** A Machop.ts checkout: its root and its publishable workspaces by package name. */
export interface Checkout {
  root: string;
  /** Folders holding workspaces (`packages`, `apps`, ...), from the root's `workspaces`. */
  workspaceFolders: string[];
  packages: Map<string, { dir: string; version: string; needs: string[] }>;
}

interface Manifest {
  name?: string;
  version?: string;
  private?: boolean;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const readManifest = (dir: string): Manifest | undefined => {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
};

/** The Machop.ts checkout holding `start` (a folder), or undefined when it is in none. */
export function findCheckout(start: string): Checkout | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const manifest = readManifest(dir);
    // The repository root: a workspace root with @machop/core among its workspaces.
    if (
      manifest?.workspaces &&
      readManifest(path.join(dir, 'packages', 'core'))?.name === '@machop/core'
    )
      return readCheckout(dir, manifest.workspaces);
    if (path.dirname(dir) === dir) return undefined;
  }
}

function readCheckout(root: string, patterns: string[]): Checkout {
  // Workspaces here are all "folder/*".
  const workspaceFolders = patterns.map((pattern) => pattern.replace(/\/\*$/, ''));
  const packages: Checkout['packages'] = new Map();
  for (const folder of workspaceFolders) {
    const parent = path.join(root, folder);
    if (!existsSync(parent)) continue;
    for (const child of readdirSync(parent)) {
      const manifest = readManifest(path.join(parent, child));
      if (!manifest?.name || manifest.private) continue;
      const needs = Object.keys({
        ...manifest.dependencies,
        ...manifest.peerDependencies,
        ...manifest.optionalDependencies,
      });
      packages.set(manifest.name, {
        dir: path.join(parent, child),
        version: manifest.version ?? '0.0.0',
        needs,
      });
    }
  }
  for (const entry of packages.values())
    entry.needs = entry.needs.filter((name) => packages.has(name));
  return { root, workspaceFolders, packages };
}

/** The checkout this `ch` runs from, when it is not an installed copy from a registry. */
export function ownCheckout(): Checkout | undefined {
  const here = realpathSync(path.dirname(fileURLToPath(import.meta.url)));
  return here.split(path.sep).includes('node_modules') ? undefined : findCheckout(here);
}

/** `names` and every package of the checkout they need, in no particular order. */
export function closure(checkout: Checkout, names: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !checkout.packages.has(name)) return;
    seen.add(name);
    for (const need of checkout.packages.get(name)!.needs) visit(need);
  };
  for (const name of names) visit(name);
  return [...seen].sort();
}

/**
 * Pack `names` from `checkout` into `destination` as `npm publish` would (their built dist/),
 * returning each package's tarball file name.
 */
export async function packPackages(
  checkout: Checkout,
  names: readonly string[],
  destination: string,
): Promise<Map<string, string>> {
  const dirs = names.map((name) => checkout.packages.get(name)!.dir);
  const unbuilt = dirs.filter((dir) => !existsSync(path.join(dir, 'dist')));
  if (unbuilt.length > 0)
    throw new ConfigError(
      `${unbuilt.map((dir) => path.relative(checkout.root, dir)).join(', ')} not built: run "npx nx run machop:build" in ${checkout.root} first, then ch plugin new again`,
    );
  const { stdout } = await run(
    'npm',
    [
      'pack',
      '--json',
      '--pack-destination',
      destination,
      ...dirs.flatMap((dir) => ['-w', path.relative(checkout.root, dir)]),
    ],
    { cwd: checkout.root, maxBuffer: 64 * 1024 * 1024 },
  );
  const packed = JSON.parse(stdout) as { name: string; filename: string }[];
  return new Map(packed.map((entry) => [entry.name, entry.filename]));
}
