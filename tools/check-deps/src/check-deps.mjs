// Finds imports of packages that the importing package does not declare. Such an import works
// inside the workspace (npm hoists everything to the root node_modules) but breaks for a user who
// installs the package alone from its tarball.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

const BUILTINS = new Set(builtinModules);
const SOURCE = /\.(?:[cm]?[jt]s)$/;
const TEST =
  /(?:\.test\.|\.bench\.|\/test\/|\/bench\/|\/fixtures\/|\/test-support\/|vitest\.config|vite\.config|tsup\.config)/;

/** The package name of a bare import specifier (`@scope/name/sub` -> `@scope/name`), or undefined. */
export function packageOf(specifier) {
  if (
    specifier.startsWith('.') ||
    specifier.startsWith('/') ||
    specifier.startsWith('node:') ||
    specifier.includes(':')
  )
    return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return BUILTINS.has(name) ? undefined : name;
}

function files(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) return [];
      const full = path.join(dir, entry);
      return statSync(full).isDirectory() ? files(full) : SOURCE.test(entry) ? [full] : [];
    });
}

/**
 * Problems of one package folder: each import of a package missing from its manifest. Runtime
 * code must use dependencies, peerDependencies or optionalDependencies; tests, benches and build
 * configs may also use devDependencies (and the workspace root's tools).
 */
export function checkPackage(dir, rootDevDependencies = {}) {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const runtime = new Set([
    manifest.name,
    ...Object.keys({
      ...manifest.dependencies,
      ...manifest.peerDependencies,
      ...manifest.optionalDependencies,
    }),
  ]);
  const development = new Set([
    ...runtime,
    ...Object.keys({ ...manifest.devDependencies, ...rootDevDependencies }),
  ]);
  const problems = [];
  for (const file of files(dir)) {
    const relative = path.relative(dir, file);
    const allowed = TEST.test(`/${relative}`) ? development : runtime;
    const text = readFileSync(file, 'utf8');
    // TypeScript's own scanner finds static imports, re-exports, import() and require(), and
    // nothing inside strings or comments.
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      const name = packageOf(imported.fileName);
      if (name === undefined || allowed.has(name)) continue;
      const line = text.slice(0, imported.pos).split('\n').length;
      const where = allowed === runtime ? 'dependencies' : 'devDependencies';
      problems.push(
        `${path.join(path.basename(dir), relative)}:${line}: imports "${name}", which ${manifest.name} does not declare; add it to ${where}`,
      );
    }
  }
  return problems;
}

/** Problems of every workspace package under `root` (as listed by its package.json workspaces). */
export function checkWorkspace(root) {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const folders = manifest.workspaces.flatMap((pattern) => {
    const base = path.join(root, pattern.replace(/\/\*$/, ''));
    if (!pattern.endsWith('/*')) return [base];
    try {
      return readdirSync(base).map((entry) => path.join(base, entry));
    } catch {
      return [];
    }
  });
  return folders
    .filter((dir) => statSync(path.join(dir, 'package.json'), { throwIfNoEntry: false }))
    .flatMap((dir) => checkPackage(dir, manifest.devDependencies));
}
