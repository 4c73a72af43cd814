// SLOW (a few minutes): a release rehearsal through a real registry. Every package is published,
// in dependency order, to a Verdaccio on 127.0.0.1 with a temporary storage; then, in empty
// folders outside the repository, a user installs them from it as they would from npm. Verdaccio
// holds our packages only and proxies the rest (tfjs, vitest, ...) from the registry npm is
// configured with; npm's cache serves the tarballs it already has.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishOrder } from './publish-order.mjs';
import { startRegistry, type Registry } from './test-support/registry.js';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '..', '..', '..');

let work: string;
let registry: Registry;
let env: NodeJS.ProcessEnv;

/** This process's environment without what npm and vitest set for themselves. */
function cleanEnv(): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^(npm_|VITEST|NODE_OPTIONS$|NODE_ENV$|TEST$|NX_|MACHOP_)/i.test(key)) clean[key] = value;
  return clean;
}

/** An empty project folder outside the repository, as a user starts one. */
async function emptyProject(name: string): Promise<string> {
  const dir = path.join(work, name);
  await mkdir(dir);
  await writeFile(
    path.join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }, null, 2) + '\n',
  );
  return dir;
}

const npm = (args: string[], cwd: string) =>
  run('npm', args, { cwd, env, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
const install = (cwd: string, ...names: string[]) =>
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', ...names], cwd);

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'machop-rehearsal-'));
  expect(path.relative(REPO, work).startsWith('..')).toBe(true);
  const clean = cleanEnv();
  const { stdout: uplink } = await run('npm', ['config', 'get', 'registry'], {
    cwd: work,
    env: clean,
  });
  await mkdir(path.join(work, 'registry'));
  registry = await startRegistry(path.join(work, 'registry'), uplink.trim());
  env = {
    ...clean,
    npm_config_userconfig: registry.npmrc,
    NO_COLOR: '1',
    MACHOP_BACKEND: 'wasm',
    // @machop/core's optional @tensorflow/tfjs-node downloads libtensorflow at install time: a
    // closed port makes it fail at once, npm drops it, and the wasm backend is used.
    TFJS_NODE_CDN_STORAGE: 'http://127.0.0.1:9/',
  };
}, 60_000);
afterAll(async () => {
  await registry?.close();
  await rm(work, { recursive: true, force: true });
}, 60_000);

// Each step is an npm command or a few: minutes on a busy 2-core machine.
const STEP = 900_000;

describe('release rehearsal through Verdaccio', () => {
  it(
    'publishes every package in dependency order',
    async () => {
      const order = publishOrder(REPO);
      for (const entry of order) {
        const { stdout } = await npm(['publish'], entry.dir);
        expect(stdout).toContain(`+ ${entry.name}@${entry.version}`);
      }
      for (const entry of order) {
        const { stdout } = await npm(['view', entry.name, 'version'], work);
        expect(stdout.trim(), entry.name).toBe(entry.version);
      }
    },
    STEP,
  );

  it(
    'installs @machop/models alone and runs the example its README starts with',
    async () => {
      const dir = await emptyProject('models-user');
      await install(dir, '@machop/models');
      const readme = await readFile(path.join(REPO, 'packages', 'models', 'README.md'), 'utf8');
      const example = /```js\n([\s\S]*?)```/.exec(readme)![1];
      await writeFile(path.join(dir, 'example.mjs'), example);
      const { stdout } = await run(process.execPath, ['example.mjs'], { cwd: dir, env });
      expect(stdout).toContain('Trainable params: 117');
    },
    STEP,
  );

  it(
    'installs machop and trains jsc-tiny on a CSV file with ch',
    async () => {
      const dir = await emptyProject('cli-user');
      await install(dir, 'machop');
      await cp(
        path.join(REPO, 'packages', 'datasets', 'fixtures', 'wine.csv'),
        path.join(dir, 'wine.csv'),
      );
      const ch = path.join(dir, 'node_modules', '.bin', 'ch');
      const { stdout } = await run(
        ch,
        ['train', 'jsc-tiny', 'csv', '--data', 'wine.csv', '--label-column', 'label'].concat([
          '--learning-rate',
          '0.01',
          '--max-epochs',
          '3',
          '--project',
          'rehearsal',
        ]),
        { cwd: dir, env },
      );
      expect(stdout).toContain('status: completed');
    },
    STEP,
  );

  it(
    'scaffolds a plugin with the installed ch that installs from the registry and passes its tests',
    async () => {
      const dir = path.join(work, 'cli-user');
      const ch = path.join(dir, 'node_modules', '.bin', 'ch');
      const { stdout } = await run(ch, ['plugin', 'new', 'machop-plugin-rehearsal'], {
        cwd: dir,
        env,
      });
      expect(stdout).toContain('The @machop packages come from the npm registry.');
      const plugin = path.join(dir, 'machop-plugin-rehearsal');
      await install(plugin);
      await npm(['run', 'build'], plugin);
      const tests = await npm(['test'], plugin);
      expect(tests.stdout).toMatch(/Tests\s+\d+ passed \(\d+\)/);
    },
    STEP,
  );
});
