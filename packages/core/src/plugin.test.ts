import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  definePlugin,
  getRegistry,
  loadPlugins,
  loadedPlugins,
  PLUGIN_API_VERSION,
} from './index.js';

let dir: string;

const pluginSource = (name: string, model: string, apiVersion = 1) => `
let calls = 0;
export default {
  name: ${JSON.stringify(name)},
  apiVersion: ${apiVersion},
  setup(registry, options) {
    calls++;
    globalThis.__setupCalls = (globalThis.__setupCalls ?? 0) + 1;
    registry.models.add(${JSON.stringify(model)}, { description: 'from ' + ${JSON.stringify(name)} + ' ' + JSON.stringify(options), task: 'classification', create() { throw new Error('x'); } });
  },
};
`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'machop-plugins-'));
  await writeFile(path.join(dir, 'file-plugin.mjs'), pluginSource('file-plugin', 'file-model'));
  await writeFile(
    path.join(dir, 'future-plugin.mjs'),
    pluginSource('future-plugin', 'future-model', 2),
  );
  await writeFile(path.join(dir, 'thief-plugin.mjs'), pluginSource('thief-plugin', 'file-model'));
  await writeFile(path.join(dir, 'not-a-plugin.mjs'), 'export const answer = 42;\n');
  await writeFile(
    path.join(dir, 'factory-plugin.cjs'),
    `module.exports = (options) => ({ name: 'factory-plugin', apiVersion: 1, setup(registry) { registry.datasets.add('factory-data', { description: 'size ' + options.size, task: 'classification', load() { throw new Error('x'); } }); } });\n`,
  );
  // A package in node_modules whose exports map points import and require at different files.
  const packageDir = path.join(dir, 'node_modules', 'machop-plugin-pkg');
  await mkdir(path.join(packageDir, 'dist'), { recursive: true });
  await writeFile(
    path.join(packageDir, 'package.json'),
    JSON.stringify({
      name: 'machop-plugin-pkg',
      exports: { '.': { import: './dist/index.mjs', require: './dist/index.cjs' } },
    }),
  );
  await writeFile(
    path.join(packageDir, 'dist', 'index.mjs'),
    pluginSource('machop-plugin-pkg', 'pkg-model'),
  );
  await writeFile(
    path.join(packageDir, 'dist', 'index.cjs'),
    'throw new Error("the CJS entry must not be chosen");\n',
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadPlugins', () => {
  it('loads a plugin file by relative path and records it as the source of its entries', async () => {
    const loaded = await loadPlugins(['./file-plugin.mjs'], { cwd: dir });
    expect(loaded).toEqual([
      {
        name: 'file-plugin',
        apiVersion: 1,
        source: path.join(dir, 'file-plugin.mjs'),
        setUp: true,
      },
    ]);
    expect(getRegistry().models.get('file-model').plugin).toBe('file-plugin');
  });

  it('takes a spec without ./ as a path when it ends in a script extension or names a file', async () => {
    await mkdir(path.join(dir, 'plugins'), { recursive: true });
    await writeFile(
      path.join(dir, 'plugins', 'bare-plugin.mjs'),
      pluginSource('bare-plugin', 'bare-model'),
    );
    await writeFile(
      path.join(dir, 'plugins', 'no-extension'),
      pluginSource('no-extension-plugin', 'no-extension-model'),
    );
    const loaded = await loadPlugins(['plugins/bare-plugin.mjs'], { cwd: dir });
    expect(loaded[0]).toMatchObject({
      name: 'bare-plugin',
      source: path.join(dir, 'plugins', 'bare-plugin.mjs'),
    });
    await expect(loadPlugins(['plugins/missing.mjs'], { cwd: dir })).rejects.toThrowError(
      `cannot load plugin "plugins/missing.mjs": no file at ${path.join(dir, 'plugins', 'missing.mjs')}`,
    );
    // An existing file is a path whatever its name.
    const bare = await loadPlugins(['plugins/no-extension'], { cwd: dir });
    expect(bare[0]).toMatchObject({
      name: 'no-extension-plugin',
      source: path.join(dir, 'plugins', 'no-extension'),
    });
  });

  it('loads a package folder through its package.json', async () => {
    const folder = path.join(dir, 'folder-plugin');
    await mkdir(path.join(folder, 'dist'), { recursive: true });
    await writeFile(
      path.join(folder, 'package.json'),
      JSON.stringify({ name: 'folder-plugin', exports: { '.': { import: './dist/index.mjs' } } }),
    );
    await writeFile(
      path.join(folder, 'dist', 'index.mjs'),
      pluginSource('folder-plugin', 'folder-model'),
    );
    const loaded = await loadPlugins(['./folder-plugin'], { cwd: dir });
    expect(loaded[0]).toMatchObject({
      name: 'folder-plugin',
      source: path.join(folder, 'dist', 'index.mjs'),
    });
    await expect(loadPlugins(['./node_modules'], { cwd: dir })).rejects.toThrowError(
      /is a folder without a package\.json/,
    );
  });

  it('calls setup once per plugin, however often it is loaded', async () => {
    const before = (globalThis as { __setupCalls?: number }).__setupCalls ?? 0;
    const loaded = await loadPlugins(['./file-plugin.mjs', path.join(dir, 'file-plugin.mjs')], {
      cwd: dir,
    });
    expect(loaded.map((plugin) => plugin.setUp)).toEqual([false, false]);
    expect((globalThis as { __setupCalls?: number }).__setupCalls ?? 0).toBe(before);
  });

  it('resolves a package name from cwd through its exports map, preferring the ESM entry', async () => {
    await loadPlugins(['machop-plugin-pkg'], { cwd: dir });
    expect(getRegistry().models.get('pkg-model').plugin).toBe('machop-plugin-pkg');
    expect(loadedPlugins().find((plugin) => plugin.name === 'machop-plugin-pkg')?.source).toBe(
      'machop-plugin-pkg',
    );
  });

  it('accepts a module exporting a factory, called with the options given', async () => {
    await loadPlugins([['./factory-plugin.cjs', { size: 3 }]], { cwd: dir });
    expect(getRegistry().datasets.get('factory-data').description).toBe('size 3');
  });

  it('accepts plugin objects made with definePlugin', async () => {
    const plugin = definePlugin({
      name: 'object-plugin',
      apiVersion: PLUGIN_API_VERSION,
      setup: (registry) =>
        registry.models.add('object-model', {
          description: 'o',
          task: 'classification',
          create: () => {
            throw new Error('x');
          },
        }),
    });
    await loadPlugins([plugin]);
    expect(getRegistry().models.get('object-model').plugin).toBe('object-plugin');
  });

  it('refuses a plugin built for another API version with one clear line', async () => {
    await expect(loadPlugins(['./future-plugin.mjs'], { cwd: dir })).rejects.toThrowError(
      `plugin "future-plugin" ("./future-plugin.mjs") targets plugin API 2, but this Machop.ts implements API 1; use a version of the plugin made for API 1`,
    );
    expect(getRegistry().models.has('future-model')).toBe(false);
  });

  it('refuses a plugin re-adding a taken name, naming both plugins', async () => {
    await expect(loadPlugins(['./thief-plugin.mjs'], { cwd: dir })).rejects.toMatchObject({
      code: 'E_REGISTRY_DUPLICATE',
      message:
        'model "file-model" is already registered by plugin "file-plugin"; plugin "thief-plugin" cannot add it again (rename one of them)',
    });
  });

  it('explains a missing file, a missing package and a module that is not a plugin', async () => {
    await expect(loadPlugins(['./nowhere.mjs'], { cwd: dir })).rejects.toThrowError(
      `cannot load plugin "./nowhere.mjs": no file at ${path.join(dir, 'nowhere.mjs')}`,
    );
    await expect(loadPlugins(['machop-plugin-missing'], { cwd: dir })).rejects.toThrowError(
      /package not found .*npm install machop-plugin-missing/,
    );
    await expect(loadPlugins(['./not-a-plugin.mjs'], { cwd: dir })).rejects.toThrowError(
      /does not export a plugin: default-export definePlugin/,
    );
  });
});
