// SLOW (a few minutes, most of it `npm install`): `ch plugin new` end to end, outside the
// repository against the tarballs it packs from this checkout, and inside a copy of the
// repository as a workspace package. No @machop package comes from a registry; the others come
// from npm's cache, which the workspace's own install filled.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCh } from './run-ch.js';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '..', '..', '..');

/**
 * The environment of the nested npm, vitest and ch: this process's, without what npm and vitest
 * set for themselves (a nested `vitest run` that sees VITEST=true, or npm that sees this
 * workspace's npm_config_*, behaves differently).
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^(npm_|VITEST|NODE_OPTIONS$|NODE_ENV$|TEST$|NX_)/i.test(key)) env[key] = value;
  return {
    ...env,
    NO_COLOR: '1',
    // @machop/core's optional @tensorflow/tfjs-node downloads libtensorflow at install time.
    // Point it at a closed port so it fails at once (npm then drops the optional package and the
    // wasm backend is used) instead of depending on whether this machine reaches Google's CDN.
    TFJS_NODE_CDN_STORAGE: 'http://127.0.0.1:9/',
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'machop-plugin-new-'));
  expect(path.relative(REPO, dir).startsWith('..')).toBe(true);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ch plugin new', () => {
  it('refuses an invalid npm name and a non-empty folder with one line, writing nothing', async () => {
    const bad = await runCh(['plugin', 'new', 'My_Plugin'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'error: "My_Plugin" is not a valid npm package name: use lower-case letters, digits, "-", "." or "_", optionally scoped (such as machop-plugin-jets or @me/machop-plugin-jets)\n',
    );
    await mkdir(path.join(dir, 'taken'));
    await writeFile(path.join(dir, 'taken', 'notes.txt'), 'mine');
    const taken = await runCh(['plugin', 'new', 'machop-plugin-x', '--dir', 'taken'], {
      cwd: dir,
    });
    expect(taken.code).toBe(1);
    expect(taken.stderr.trim().split('\n')).toEqual([
      `error: cannot create the plugin in ${path.join(dir, 'taken')}: the folder exists and is not empty; choose another with --dir DIR or remove it`,
    ]);
    expect(await readdir(path.join(dir, 'taken'))).toEqual(['notes.txt']);
    expect((await readdir(dir)).sort()).toEqual(['taken']);
  });

  it('outside the repository, writes a package that installs from the tarballs ch packs, builds, passes its tests and trains through ch --plugin (slow)', async () => {
    const env = cleanEnv();
    const created = await runCh(['plugin', 'new', '@lab/machop-plugin-jets'], { cwd: dir });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('model "jets-mlp", data set "jets-wine"');
    const plugin = path.join(dir, 'machop-plugin-jets');
    const manifest = JSON.parse(await readFile(path.join(plugin, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('@lab/machop-plugin-jets');
    const versionOf = async (workspace: string) =>
      JSON.parse(await readFile(path.join(REPO, workspace, 'package.json'), 'utf8')).version;
    expect(manifest.peerDependencies).toEqual({
      '@machop/core': `^${await versionOf('packages/core')}`,
    });
    expect(existsSync(path.join(plugin, '.gitignore'))).toBe(true);
    expect(existsSync(path.join(plugin, 'data', 'wine.csv'))).toBe(true);

    // ch, run from this checkout, packed every @machop package the plugin needs into it.
    expect(created.stdout).toContain(`tarballs packed from ${REPO} into machop-packages/`);
    const packed = await readdir(path.join(plugin, 'machop-packages'));
    expect(packed).toEqual(
      expect.arrayContaining([
        'machop-core-0.1.0.tgz'.replace('0.1.0', await versionOf('packages/core')),
      ]),
    );
    for (const [name, spec] of Object.entries({
      ...manifest.dependencies,
      ...manifest.devDependencies,
    }))
      if (/^(@machop\/|machop$)/.test(name))
        expect(spec, name).toMatch(/^file:machop-packages\/.+\.tgz$/);

    // --prefer-offline: third-party packages from npm's cache where it has them (the workspace's
    // install filled it); the @machop ones never reach a registry, they are file: tarballs.
    const installed = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: plugin,
      env,
      timeout: 600_000,
    });
    // The generated allowScripts decides every install script (esbuild, tfjs-node, core-js, and
    // msgpackr-extract of bullmq, which @machop/sweep's queue uses: its JS fallback is enough).
    expect(installed.stderr).not.toContain('install-scripts');
    expect(JSON.parse(await readFile(path.join(plugin, 'package.json'), 'utf8'))).toEqual(manifest);

    await run('npm', ['run', 'build'], { cwd: plugin, env });
    await run('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: plugin, env });
    const tests = await run('npm', ['test', '--', '--reporter=verbose'], { cwd: plugin, env });
    expect(tests.stdout).toMatch(/Tests\s+\d+ passed \(\d+\)/);
    expect(tests.stdout).toContain('model "jets-mlp" conformance');

    // The `ch` that the plugin's own devDependency installed, loading the package folder.
    const ch = path.join(plugin, 'node_modules', '.bin', 'ch');
    const trained = await run(
      ch,
      [
        'train',
        'jets-mlp',
        'jets-wine',
        '--plugin',
        plugin,
        '--learning-rate',
        '0.01',
        '--max-epochs',
        '20',
        '--project',
        'e2e',
      ],
      { cwd: dir, env },
    );
    expect(trained.stdout).toContain('status: completed');
    const runDir = trained.stdout.match(/^run: (.+)$/m)![1];
    const summary = JSON.parse(await readFile(path.join(runDir, 'summary.json'), 'utf8'));
    // Wine is easy: a one-hidden-layer MLP on standardised features gets well past chance (1/3).
    expect(summary.final.test_acc_epoch).toBeGreaterThan(0.8);
  }, 900_000);

  it('inside the repository, writes a workspace package under examples/ that installs, builds and passes its tests (slow)', async () => {
    const env = cleanEnv();
    // A copy of this checkout as git would commit it, with the built dist/ folders it links.
    const copy = path.join(dir, 'repository');
    const { stdout } = await run('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
      cwd: REPO,
      maxBuffer: 16 * 1024 * 1024,
    });
    const files = stdout.split('\0').filter((file) => file && existsSync(path.join(REPO, file)));
    for (const file of files) await cp(path.join(REPO, file), path.join(copy, file));
    for (const file of new Set(files.map((file) => file.split('/').slice(0, 2).join('/'))))
      if (existsSync(path.join(REPO, file, 'dist')))
        await cp(path.join(REPO, file, 'dist'), path.join(copy, file, 'dist'), { recursive: true });

    const created = await runCh(['plugin', 'new', 'machop-plugin-inside'], {
      cwd: path.join(copy, 'docs'),
    });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const plugin = path.join(copy, 'examples', 'machop-plugin-inside');
    expect(created.stdout).toContain(`created machop-plugin-inside in ${plugin}`);
    expect(created.stdout).toContain(`this repository's workspaces (${copy})`);
    expect(existsSync(path.join(plugin, 'machop-packages'))).toBe(false);
    const manifest = JSON.parse(await readFile(path.join(plugin, 'package.json'), 'utf8'));
    const versionOf = async (workspace: string) =>
      JSON.parse(await readFile(path.join(REPO, workspace, 'package.json'), 'utf8')).version;
    expect(manifest.dependencies['@machop/models']).toBe(`^${await versionOf('packages/models')}`);
    expect(manifest.devDependencies.machop).toBe(`^${await versionOf('apps/cli')}`);

    // A folder inside the repository but outside its workspace folders is refused, writing nothing.
    const stray = await runCh(['plugin', 'new', 'machop-plugin-stray', '--dir', 'stray'], {
      cwd: copy,
    });
    expect(stray.code).toBe(1);
    expect(stray.stderr).toBe(
      `error: cannot create the plugin in ${path.join(copy, 'stray')}: it is inside the Machop.ts repository ${copy} but not in one of its workspace folders (packages/, apps/, tools/, examples/); choose --dir examples/machop-plugin-stray\n`,
    );
    expect(existsSync(path.join(copy, 'stray'))).toBe(false);

    // The copy's lockfile names every tarball, so npm's cache serves them all.
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: copy,
      env,
      timeout: 900_000,
    });
    // npm linked the workspaces: the plugin's @machop packages are this copy's folders.
    expect(await realpath(path.join(copy, 'node_modules', '@machop', 'models'))).toBe(
      path.join(copy, 'packages', 'models'),
    );
    await run('npm', ['run', 'build', '-w', 'machop-plugin-inside'], { cwd: copy, env });
    const tests = await run(
      'npm',
      ['test', '-w', 'machop-plugin-inside', '--', '--reporter=verbose'],
      {
        cwd: copy,
        env,
      },
    );
    expect(tests.stdout).toMatch(/Tests\s+\d+ passed \(\d+\)/);
    expect(tests.stdout).toContain('model "inside-mlp" conformance');
  }, 1_200_000);
});
