import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The workspace's publishable packages (not `private`), each after every workspace package it
 * depends on (dependencies, peer and optional dependencies: what an install of it needs from
 * the registry). Dev dependencies do not count: nobody installs them from the registry.
 *
 * @param {string} root the repository root
 * @returns {{ name: string, version: string, dir: string, needs: string[] }[]}
 */
export function publishOrder(root) {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const packages = new Map();
  for (const pattern of manifest.workspaces ?? []) {
    // Workspaces here are all "folder/*".
    const parent = path.join(root, pattern.replace(/\/\*$/, ''));
    if (!existsSync(parent)) continue;
    for (const child of readdirSync(parent).sort()) {
      const file = path.join(parent, child, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (pkg.private) continue;
      packages.set(pkg.name, { pkg, dir: path.join(parent, child) });
    }
  }
  const needsOf = ({ pkg }) =>
    Object.keys({
      ...pkg.dependencies,
      ...pkg.peerDependencies,
      ...pkg.optionalDependencies,
    }).filter((name) => packages.has(name));
  const order = [];
  const state = new Map();
  const visit = (name, chain) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting')
      throw new Error(`dependency cycle between packages: ${[...chain, name].join(' -> ')}`);
    state.set(name, 'visiting');
    for (const need of needsOf(packages.get(name))) visit(need, [...chain, name]);
    state.set(name, 'done');
    const { pkg, dir } = packages.get(name);
    order.push({ name, version: pkg.version, dir, needs: needsOf(packages.get(name)) });
  };
  for (const name of packages.keys()) visit(name, []);
  return order;
}
