// A dry run of the release flow in CONTRIBUTING.md, on a copy of this working tree: changesets
// version the packages and write changelogs, then every package is packed and dry-run published
// in dependency order. Nothing reaches the registry beyond npm's dry-run checks.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishOrder } from './publish-order.mjs';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '..', '..', '..');

/** This process's environment without what npm and vitest set for themselves. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^(npm_|VITEST|NODE_OPTIONS$|NODE_ENV$|TEST$|NX_)/i.test(key)) env[key] = value;
  return { ...env, NO_COLOR: '1' };
}

describe('publish order', () => {
  it('puts every package after the workspace packages it depends on', () => {
    const order = publishOrder(REPO);
    const names = order.map((entry) => entry.name);
    expect(names[0]).toBe('@machop/core');
    expect(names.indexOf('@machop/cli')).toBeLessThan(names.indexOf('machop'));
    expect(names).toEqual(expect.arrayContaining(['@machop/datasets', '@machop/trainer']));
    for (const [index, entry] of order.entries())
      for (const need of entry.needs) expect(names.indexOf(need)).toBeLessThan(index);
    // Private workspaces (tools, the example plugin) are never published.
    expect(names).not.toContain('@machop/release');
    expect(names).not.toContain('machop-plugin-breast-cancer');
  });
});

describe('CONTRIBUTING.md', () => {
  it('lists the publish order machop-publish-order prints', async () => {
    const text = await readFile(path.join(REPO, 'CONTRIBUTING.md'), 'utf8');
    const block = /`npx machop-publish-order` prints the order[\s\S]*?```\n([\s\S]*?)```/.exec(
      text,
    );
    const listed = block![1]
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/));
    expect(listed).toEqual(
      publishOrder(REPO).map((entry) => [entry.name, path.relative(REPO, entry.dir)]),
    );
  });

  it('says where the package checks run: check-package, which npm test runs for every package', async () => {
    const root = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8'));
    expect(root.scripts.test).toMatch(/nx run-many -t .*\bcheck-package\b/);
    for (const { dir } of publishOrder(REPO)) {
      const { scripts } = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
      // The build makes dist/ only: the README's first command builds what ch needs, fast.
      expect(scripts.build, dir).not.toMatch(/publint|attw/);
      expect(scripts['check-package'], dir).toMatch(/^publint --strict && attw --pack\b/);
    }
    const text = await readFile(path.join(REPO, 'CONTRIBUTING.md'), 'utf8');
    expect(text).toContain('`npm test` runs `check-package` for every\npackage');
  });
});

describe('release dry run', () => {
  let copy: string;
  const env = cleanEnv();
  const git = (...args: string[]) => run('git', args, { cwd: copy, env });
  const changeset = (...args: string[]) =>
    run(path.join(copy, 'node_modules', '.bin', 'changeset'), args, { cwd: copy, env });

  beforeAll(async () => {
    copy = await mkdtemp(path.join(os.tmpdir(), 'machop-release-'));
    // The working tree as git would commit it, plus the built dist/ folders that get packed.
    const { stdout } = await run('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
      cwd: REPO,
      maxBuffer: 16 * 1024 * 1024,
    });
    for (const file of stdout.split('\0').filter(Boolean)) {
      if (!existsSync(path.join(REPO, file))) continue; // deleted, not yet committed
      await mkdir(path.dirname(path.join(copy, file)), { recursive: true });
      await cp(path.join(REPO, file), path.join(copy, file));
    }
    for (const { dir } of publishOrder(REPO))
      await cp(path.join(dir, 'dist'), path.join(copy, path.relative(REPO, dir), 'dist'), {
        recursive: true,
      });
    await symlink(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'));
    // A changeset of our own, so the run has a release to make whatever is pending here.
    await writeFile(
      path.join(copy, '.changeset', 'release-dry-run.md'),
      '---\n"@machop/core": patch\n---\n\nA change made by the release dry run.\n',
    );
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-qm', 'base');
  }, 120_000);
  afterAll(async () => {
    await rm(copy, { recursive: true, force: true });
  });

  it('versions, writes changelogs, and publishes every package in dependency order', async () => {
    await changeset('status', '--output', 'status.json');
    const status = JSON.parse(await readFile(path.join(copy, 'status.json'), 'utf8')) as {
      releases: { name: string; type: string; oldVersion: string; newVersion: string }[];
    };
    const releases = status.releases.filter((release) => release.type !== 'none');
    const core = releases.find((release) => release.name === '@machop/core');
    expect(core?.type).toMatch(/^(patch|minor|major)$/);
    await rm(path.join(copy, 'status.json'));

    // Private workspaces (the example plugin peer-depends on core, which changesets would answer
    // with a major bump) are not versioned.
    const publishable = new Set(publishOrder(copy).map((entry) => entry.name));
    expect(releases.filter((release) => !publishable.has(release.name))).toEqual([]);

    await changeset('version');
    const order = publishOrder(copy);
    const versions = new Map(order.map((entry) => [entry.name, entry.version]));
    for (const release of releases) {
      expect(versions.get(release.name), release.name).toBe(release.newVersion);
      const dir = order.find((entry) => entry.name === release.name)!.dir;
      const changelog = await readFile(path.join(dir, 'CHANGELOG.md'), 'utf8');
      expect(changelog).toContain(`## ${release.newVersion}`);
    }
    const coreLog = await readFile(path.join(copy, 'packages/core/CHANGELOG.md'), 'utf8');
    expect(coreLog).toContain('A change made by the release dry run.');
    // The changesets are used up.
    expect((await readdir(path.join(copy, '.changeset'))).filter((f) => f.endsWith('.md'))).toEqual(
      ['README.md'],
    );

    const tarballs = path.join(copy, 'tarballs');
    await mkdir(tarballs);
    const published = new Map<string, string>();
    for (const entry of order) {
      const { stdout: packed } = await run(
        'npm',
        ['pack', '--pack-destination', tarballs, '--json'],
        { cwd: entry.dir, env },
      );
      const [{ filename }] = JSON.parse(packed) as { filename: string }[];
      const tarball = path.join(tarballs, filename);
      const { stdout } = await run('npm', ['publish', '--dry-run', tarball], { cwd: copy, env });
      expect(stdout).toContain(`+ ${entry.name}@${entry.version}`);
      // What it needs from this workspace was published before it, at the version it asks for.
      const manifest = JSON.parse(await readFile(path.join(entry.dir, 'package.json'), 'utf8'));
      for (const need of entry.needs) {
        const range = { ...manifest.dependencies, ...manifest.peerDependencies }[need];
        expect(published.get(need), `${entry.name} needs ${need}`).toBeDefined();
        expect(range, `${entry.name}'s range for ${need}`).toBe(`^${published.get(need)}`);
      }
      published.set(entry.name, entry.version);
    }
    expect([...published.keys()]).toEqual(order.map((entry) => entry.name));
  });
});
