import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type * as CoreModule from './index.js';
import type { ModelEntry, Registry } from './index.js';

// These tests load the built package (dist), as users do: one process holding the ESM build, the
// CJS build and a second installed copy must still see one registry.
const packageRoot = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
type Core = typeof CoreModule;

const model = (description: string): ModelEntry => ({
  description,
  task: 'classification',
  create: () => {
    throw new Error('x');
  },
});
const plugin = (name: string, setup: (registry: Registry) => void) => ({
  name,
  apiVersion: 1,
  setup,
});

const copies: string[] = [];
afterAll(async () => {
  for (const copy of copies) await rm(copy, { recursive: true, force: true });
});

describe('one registry per process', () => {
  it('is shared by an ESM import and a CJS require of @machop/core', async () => {
    const esm = (await import(pathToFileURL(path.join(packageRoot, 'dist/index.js')).href)) as Core;
    const cjs = require(path.join(packageRoot, 'dist/index.cjs')) as Core;
    expect(esm.getRegistry).not.toBe(cjs.getRegistry);

    await esm.loadPlugins([
      plugin('esm-plugin', (registry) => registry.models.add('from-esm', model('e'))),
    ]);
    await cjs.loadPlugins([
      plugin('cjs-plugin', (registry) =>
        registry.datasets.add('from-cjs', {
          description: 'c',
          task: 'classification',
          load: () => Promise.reject(new Error('x')),
        }),
      ),
    ]);

    expect(cjs.getRegistry().models.get('from-esm').plugin).toBe('esm-plugin');
    expect(esm.getRegistry().datasets.get('from-cjs').plugin).toBe('cjs-plugin');
    // A duplicate is refused across copies too, and errors are recognised across copies.
    let error: unknown;
    try {
      await cjs.loadPlugins([
        plugin('other', (registry) => registry.models.add('from-esm', model('x'))),
      ]);
    } catch (caught) {
      error = caught;
    }
    expect(esm.isMachopError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(esm.MachopError);
  });

  it('offers no way to add entries credited to a plugin except through loadPlugins', async () => {
    const esm = (await import(
      pathToFileURL(path.join(packageRoot, 'dist/index.js')).href
    )) as Record<string, unknown>;
    const cjs = require(path.join(packageRoot, 'dist/index.cjs')) as Record<string, unknown>;
    for (const build of [esm, cjs]) {
      expect(Object.keys(build)).not.toContain('scopedRegistry');
      expect(Object.keys(build)).not.toContain('registryState');
    }
  });

  it('is shared with a second copy of the package installed elsewhere in node_modules', async () => {
    // The copy sits inside the workspace so its own imports (tfjs) resolve as in a real install.
    const base = await mkdtemp(path.join(packageRoot, '.copy-'));
    copies.push(base);
    const copyRoot = path.join(base, 'node_modules', '@machop', 'core');
    await mkdir(copyRoot, { recursive: true });
    await cp(path.join(packageRoot, 'dist'), path.join(copyRoot, 'dist'), { recursive: true });
    await cp(path.join(packageRoot, 'package.json'), path.join(copyRoot, 'package.json'));

    const original = (await import(
      pathToFileURL(path.join(packageRoot, 'dist/index.js')).href
    )) as Core;
    const copy = (await import(pathToFileURL(path.join(copyRoot, 'dist/index.js')).href)) as Core;
    expect(copy.getRegistry).not.toBe(original.getRegistry);
    await copy.loadPlugins([
      plugin('copy-plugin', (registry) => registry.models.add('from-copy', model('k'))),
    ]);
    expect(original.getRegistry().models.get('from-copy').plugin).toBe('copy-plugin');
    expect(original.loadedPlugins()).toEqual(copy.loadedPlugins());
  });
});
