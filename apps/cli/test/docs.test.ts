import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCh } from './run-ch.js';

const REPO = path.resolve(import.meta.dirname, '..', '..', '..');

describe.each([
  ['plugins.md', 3],
  ['queue.md', 2],
])('docs/%s', (file, examples) => {
  it('is linked from the README', async () => {
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    expect(readme).toContain(`[docs/${file}](docs/${file})`);
  });

  it('uses only commands and flags that ch has', async () => {
    const text = await readFile(path.join(REPO, 'docs', file), 'utf8');
    const lines = [...text.matchAll(/^npx ch (\w+)(.*)$/gm)];
    expect(lines.length).toBeGreaterThan(examples);
    for (const [, command, rest] of lines) {
      const help = await runCh([command, '--help'], { cwd: REPO });
      expect(help.code, `ch ${command} --help`).toBe(0);
      const flags = rest.replace(/#.*$/, '').match(/--[a-z-]+/g) ?? [];
      for (const flag of flags) expect(help.stdout, `ch ${command} ${flag}`).toContain(flag);
    }
  });
});

/** Every workspace package's name, folder and the workspace packages it depends on. */
async function workspacePackages(): Promise<{ name: string; dir: string; needs: string[] }[]> {
  const root = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8'));
  const found: { name: string; dir: string; needs: string[] }[] = [];
  for (const pattern of root.workspaces as string[]) {
    const parent = path.join(REPO, pattern.replace(/\/\*$/, ''));
    for (const child of await readdir(parent)) {
      const file = path.join(parent, child, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(await readFile(file, 'utf8'));
      const needs = Object.keys({
        ...manifest.dependencies,
        ...manifest.peerDependencies,
        ...manifest.optionalDependencies,
      });
      found.push({ name: manifest.name, dir: path.relative(REPO, path.dirname(file)), needs });
    }
  }
  const names = new Set(found.map((entry) => entry.name));
  return found.map((entry) => ({ ...entry, needs: entry.needs.filter((name) => names.has(name)) }));
}

describe('README.md', () => {
  it("states the dependency layers that every package's package.json keeps to", async () => {
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    const line = /Dependencies point one way, in layers: ([^;]+);/.exec(readme.replace(/\n/g, ' '));
    // "core ← datasets, models ← ... ← apps (machop, the dashboard)": short names per layer.
    const layers = line![1]
      .replace(/\(([^)]*)\)/, '')
      .split('←')
      .map((layer) => layer.split(',').map((name) => name.trim()));
    const packages = await workspacePackages();
    const layerOf = (entry: { name: string; dir: string }) => {
      const short = entry.dir.startsWith('apps/') ? 'apps' : path.basename(entry.dir);
      return layers.findIndex((layer) => layer.includes(short));
    };
    for (const entry of packages.filter((entry) => !entry.dir.startsWith('tools/'))) {
      if (entry.dir.startsWith('examples/')) continue;
      const layer = layerOf(entry);
      expect(layer, `${entry.name} in a layer`).toBeGreaterThanOrEqual(0);
      for (const need of entry.needs) {
        const needed = packages.find((other) => other.name === need)!;
        expect(layerOf(needed), `${entry.name} -> ${need}`).toBeLessThan(layer);
      }
    }
  });

  it('builds only what ch needs in its first command, and names the data mirror beside --data-dir', async () => {
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    const first = /```sh\n(.*)\n/.exec(readme)![1];
    expect(first).toMatch(/^npm ci && npx nx run machop:build && npx ch train /);
    expect(readme).toMatch(
      /`--data-dir DIR`[^.]*\),\s+or set\s+`MACHOP_OPENML_URL` to an OpenML mirror/,
    );
  });
});
