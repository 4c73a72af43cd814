import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, writeDirAtomic } from '@machop/core/base';
import type { CommandBody } from '../command.js';
import {
  closure,
  findCheckout,
  ownCheckout,
  packPackages,
  type Checkout,
} from '../plugin-packages.js';
import { packageVersions } from '../versions.js';

// npm's rules for a new package name: lower case, URL-safe, optionally scoped, at most 214 long.
const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const TEMPLATE_SUFFIX = '.tmpl';

/**
 * The plugin template shipped in this package (`templates/plugin`), found by walking up from this
 * module: it is `dist/index.js` once built and `src/commands/plugin.ts` under vitest.
 */
function templateDir(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'templates', 'plugin');
    if (existsSync(path.join(candidate, 'package.json.tmpl'))) return candidate;
    if (path.dirname(dir) === dir)
      throw new ConfigError(
        '@machop/cli is installed without its templates/ folder; reinstall it (npm install @machop/cli)',
      );
  }
}

function checkName(name: string): void {
  if (name.length > 214 || !NPM_NAME.test(name)) {
    throw new ConfigError(
      `"${name}" is not a valid npm package name: use lower-case letters, digits, "-", "." or "_", optionally scoped (such as machop-plugin-jets or @me/machop-plugin-jets)`,
    );
  }
}

/** Registry names for the example entries: the package name without scope and `machop-plugin-`. */
function entryNames(name: string): { model: string; dataset: string } {
  const unscoped = name.replace(/^@[^/]+\//, '');
  const stem = unscoped.replace(/^machop-plugin-/, '').replace(/[^a-z0-9._-]/g, '-') || 'plugin';
  return { model: `${stem}-mlp`, dataset: `${stem}-wine` };
}

/**
 * Version ranges for the generated package.json: the versions of the packages this `ch` runs
 * with (packages are versioned independently), so the plugin is tested against what loads it.
 */
function dependencyRanges(checkout?: Checkout): Record<string, string> {
  const versions = checkout
    ? Object.fromEntries([...checkout.packages].map(([name, entry]) => [name, entry.version]))
    : packageVersions();
  const cli = versions['@machop/cli'];
  let machop = cli;
  try {
    // Run as `ch`, argv[1] is the machop package's bin/ch.js.
    const manifest = JSON.parse(
      readFileSync(path.join(realpathSync(process.argv[1]), '..', '..', 'package.json'), 'utf8'),
    ) as { name?: string; version?: string };
    if (manifest.name === 'machop' && manifest.version) machop = manifest.version;
    if (checkout?.packages.has('machop')) machop = checkout.packages.get('machop')!.version;
  } catch {
    // Used as a library, not through `ch`: the CLI's own version is the best guess.
  }
  const range = (version: string | undefined) => `^${version ?? cli}`;
  return {
    coreRange: range(versions['@machop/core']),
    datasetsRange: range(versions['@machop/datasets']),
    modelsRange: range(versions['@machop/models']),
    trainerRange: range(versions['@machop/trainer']),
    machopRange: range(machop),
  };
}

function checkTarget(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory())
    throw new ConfigError(
      `cannot create the plugin in ${dir}: a file of that name exists; choose another folder with --dir DIR`,
    );
  if (readdirSync(dir).length > 0)
    throw new ConfigError(
      `cannot create the plugin in ${dir}: the folder exists and is not empty; choose another with --dir DIR or remove it`,
    );
}

/** Copy the template into `target`, dropping `.tmpl` and filling in `{{key}}` placeholders. */
async function copyTemplate(
  from: string,
  target: string,
  values: Record<string, string>,
): Promise<string[]> {
  const written: string[] = [];
  for (const entry of await readdir(from, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const source = path.join(entry.parentPath, entry.name);
    const relative = path.relative(from, source);
    if (!relative.endsWith(TEMPLATE_SUFFIX)) {
      // Data files are copied byte for byte.
      await mkdir(path.dirname(path.join(target, relative)), { recursive: true });
      await writeFile(path.join(target, relative), await readFile(source));
      written.push(relative);
      continue;
    }
    // npm drops files named .gitignore from packages, so the template ships it as gitignore.tmpl.
    let name = relative.slice(0, -TEMPLATE_SUFFIX.length);
    if (name === 'gitignore') name = '.gitignore';
    const text = (await readFile(source, 'utf8')).replace(
      /\{\{(\w+)\}\}/g,
      (whole, key: string) => {
        const value = values[key];
        if (value === undefined) throw new Error(`template ${relative} uses unknown ${whole}`);
        return value;
      },
    );
    await mkdir(path.dirname(path.join(target, name)), { recursive: true });
    await writeFile(path.join(target, name), text);
    written.push(name);
  }
  return written.sort();
}

/** The folder of a new plugin that holds the tarballs it installs the @machop packages from. */
const PACKED = 'machop-packages';

/**
 * Pack the @machop packages the plugin in `dir` needs from `checkout` into `dir/machop-packages`
 * and point its package.json at them (`file:`). Every package the install needs is named, so npm
 * takes the tarballs for the dependencies between them too and never asks the registry for them.
 */
async function useTarballs(dir: string, checkout: Checkout): Promise<string[]> {
  const file = path.join(dir, 'package.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<
    'dependencies' | 'devDependencies',
    Record<string, string>
  >;
  const wanted = [...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)];
  await mkdir(path.join(dir, PACKED));
  const tarballs = await packPackages(checkout, closure(checkout, wanted), path.join(dir, PACKED));
  for (const [name, tarball] of [...tarballs].sort()) {
    const kind = name in manifest.dependencies ? 'dependencies' : 'devDependencies';
    manifest[kind][name] = `file:${PACKED}/${tarball}`;
  }
  // npm writes dependencies sorted by name; so do we, for a diff-free first install.
  manifest.devDependencies = Object.fromEntries(
    Object.entries(manifest.devDependencies).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  await writeFile(file, JSON.stringify(manifest, null, 2) + '\n');
  return [...tarballs.values()].map((tarball) => `${PACKED}/${tarball}`).sort();
}

/** `ch plugin new NAME [--dir DIR]`: write a plugin package that builds and passes its tests. */
export const pluginCommand: CommandBody = {
  details:
    'NAME is the npm package name, such as machop-plugin-jets. The package is written to DIR (default ./NAME without its scope; examples/NAME inside the Machop.ts repository), which must not exist or be empty.\n' +
    'Inside the repository the plugin is a workspace package; outside it, a ch run from a checkout packs the @machop packages into machop-packages/ and the plugin installs them from there (file:); an installed ch takes them from the npm registry.',
  usesRegistry: false,
  flags: [
    {
      name: 'dir',
      type: 'string',
      value: 'DIR',
      description: 'folder to create the package in (default ./NAME)',
    },
  ],
  async run({ io, args }) {
    const [action, name, ...extra] = args.positionals;
    if (action !== 'new' || name === undefined || extra.length > 0)
      throw new ConfigError(
        `ch plugin takes "new NAME", such as "ch plugin new machop-plugin-jets"; got "${args.positionals.join(' ')}"`,
      );
    checkName(name);
    const dirFlag = args.flags.get('dir') as string | undefined;
    const unscoped = name.replace(/^@[^/]+\//, '');
    // Inside a Machop.ts checkout the plugin is one of its workspaces (examples/ by default).
    const here = findCheckout(io.cwd);
    const dir =
      dirFlag === undefined && here
        ? path.join(here.root, 'examples', unscoped)
        : path.resolve(io.cwd, dirFlag ?? unscoped);
    const workspace = findCheckout(path.dirname(dir));
    if (
      workspace &&
      !workspace.workspaceFolders.includes(path.relative(workspace.root, path.dirname(dir)))
    )
      throw new ConfigError(
        `cannot create the plugin in ${dir}: it is inside the Machop.ts repository ${workspace.root} but not in one of its workspace folders (${workspace.workspaceFolders.map((folder) => `${folder}/`).join(', ')}); choose --dir examples/${unscoped}`,
      );
    checkTarget(dir);
    // Outside the repository, a ch run from a checkout packs the packages the plugin needs.
    const packFrom = workspace ? undefined : ownCheckout();
    const { model, dataset } = entryNames(name);
    const values = { name, model, dataset, ...dependencyRanges(workspace ?? packFrom) };
    let written: string[] = [];
    // Written into a temporary folder beside DIR and renamed: an error leaves nothing behind.
    await writeDirAtomic(dir, async (temp) => {
      written = await copyTemplate(templateDir(), temp, values);
      if (packFrom) written.push(...(await useTarballs(temp, packFrom)));
    });
    const shown = path.relative(io.cwd, dir) || '.';
    const cd = `  cd ${shown.includes(' ') ? JSON.stringify(shown) : shown}`;
    const source = workspace
      ? `The @machop packages are this repository's workspaces (${workspace.root}).`
      : packFrom
        ? `The @machop packages are tarballs packed from ${packFrom.root} into ${PACKED}/ (file: dependencies).`
        : 'The @machop packages come from the npm registry.';
    const steps = workspace
      ? [
          `  cd ${workspace.root}`,
          `  npm install && npm run build -w ${name} && npm test -w ${name}`,
          `  npx ch train ${model} ${dataset} --plugin ${path.relative(workspace.root, dir)} --learning-rate 0.01 --max-epochs 30`,
        ]
      : [
          cd,
          '  npm install && npm run build && npm test',
          `  npx ch train ${model} ${dataset} --plugin . --learning-rate 0.01 --max-epochs 30`,
        ];
    io.stdout.write(
      [
        `created ${name} in ${dir}: model "${model}", data set "${dataset}"`,
        ...written.map((file) => `  ${file}`),
        source,
        '',
        'Next:',
        ...steps,
        '',
      ].join('\n'),
    );
    return 0;
  },
};
