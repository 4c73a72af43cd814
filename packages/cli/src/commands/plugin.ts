import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, writeDirAtomic } from '@machop/core/base';
import type { CommandBody } from '../command.js';
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
function dependencyRanges(): Record<string, string> {
  const versions = packageVersions();
  const cli = versions['@machop/cli'];
  let machop = cli;
  try {
    // Run as `ch`, argv[1] is the machop package's bin/ch.js.
    const manifest = JSON.parse(
      readFileSync(path.join(realpathSync(process.argv[1]), '..', '..', 'package.json'), 'utf8'),
    ) as { name?: string; version?: string };
    if (manifest.name === 'machop' && manifest.version) machop = manifest.version;
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

/** `ch plugin new NAME [--dir DIR]`: write a plugin package that builds and passes its tests. */
export const pluginCommand: CommandBody = {
  details:
    'NAME is the npm package name, such as machop-plugin-jets. The package is written to DIR (default ./NAME without its scope), which must not exist or be empty.',
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
    const dir = path.resolve(io.cwd, dirFlag ?? name.replace(/^@[^/]+\//, ''));
    checkTarget(dir);
    const { model, dataset } = entryNames(name);
    const values = { name, model, dataset, ...dependencyRanges() };
    let written: string[] = [];
    // Written into a temporary folder beside DIR and renamed: an error leaves nothing behind.
    await writeDirAtomic(dir, async (temp) => {
      written = await copyTemplate(templateDir(), temp, values);
    });
    const shown = path.relative(io.cwd, dir) || '.';
    io.stdout.write(
      [
        `created ${name} in ${dir}: model "${model}", data set "${dataset}"`,
        ...written.map((file) => `  ${file}`),
        '',
        'Next:',
        `  cd ${shown.includes(' ') ? JSON.stringify(shown) : shown}`,
        '  npm install && npm run build && npm test',
        `  npx ch train ${model} ${dataset} --plugin . --learning-rate 0.01 --max-epochs 30`,
        '',
      ].join('\n'),
    );
    return 0;
  },
};
