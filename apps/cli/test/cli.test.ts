import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCh } from './run-ch.js';

// A plugin written outside the repository, with no imports at all: it builds its model with the
// tfjs namespace that Machop.ts hands it.
const pluginSource = (name: string, model: string, apiVersion = 1) => `export default {
  name: ${JSON.stringify(name)},
  apiVersion: ${apiVersion},
  setup(registry) {
    registry.models.add(${JSON.stringify(model)}, {
      description: 'a plugin model',
      task: 'classification',
      create: ({ features, classes, tf }) => tf.sequential({ layers: [tf.layers.dense({ inputShape: [features], units: classes })] }),
    });
  },
};
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'machop-cli-'));
  await writeFile(path.join(dir, 'my-plugin.mjs'), pluginSource('my-plugin', 'my-net'));
  await writeFile(
    path.join(dir, 'future-plugin.mjs'),
    pluginSource('future-plugin', 'future-net', 2),
  );
  await writeFile(path.join(dir, 'thief-plugin.mjs'), pluginSource('thief-plugin', 'jsc-tiny'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ch', () => {
  it('prints help listing the commands, and its version', async () => {
    const help = await runCh(['--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: ch <command> \[flags\]$/m);
    for (const command of ['train', 'test', 'list', 'info'])
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const version = await runCh(['--version'], { cwd: dir });
    const manifest = JSON.parse(
      await readFile(path.resolve(import.meta.dirname, '..', 'package.json'), 'utf8'),
    );
    expect(version).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
  });

  it('lists the built-in models and data sets with their plugin', async () => {
    const { code, stdout, stderr } = await runCh(['list'], { cwd: dir });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^jsc-tiny\s+@machop\/models\s+MASE's JSC-Tiny/m);
    expect(stdout).toMatch(/^jsc\s+@machop\/datasets\s+hls4ml/m);
    expect(stdout).not.toContain('\u001b[');
  });

  it('lists the built-in search strategies with their plugin', async () => {
    const { code, stdout, stderr } = await runCh(['list', 'strategies'], { cwd: dir });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (const name of ['brute-force', 'nsga2', 'random', 'tpe'])
      expect(stdout).toMatch(new RegExp(`^${name}\\s+@machop/search/strategies\\s+\\S`, 'm'));
  });

  it('lists a model from a plugin file given with --plugin, also as JSON', async () => {
    const text = await runCh(['list', 'models', '--plugin', './my-plugin.mjs'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^my-net\s+my-plugin\s+a plugin model$/m);
    const json = await runCh(['list', 'models', '--plugin', './my-plugin.mjs', '--json'], {
      cwd: dir,
    });
    const models = JSON.parse(json.stdout) as { name: string; plugin: string }[];
    expect(models.find((model) => model.name === 'my-net')).toEqual({
      name: 'my-net',
      description: 'a plugin model',
      task: 'classification',
      plugin: 'my-plugin',
    });
    expect(models.find((model) => model.name === 'jsc-tiny')?.plugin).toBe('@machop/models');
  });

  it('loads plugins named in machop.config.json of the working folder', async () => {
    const project = await mkdtemp(path.join(dir, 'project-'));
    await writeFile(
      path.join(project, 'machop.config.json'),
      JSON.stringify({ plugins: ['../my-plugin.mjs'] }),
    );
    const { code, stdout } = await runCh(['list', 'models'], { cwd: project });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^my-net\s+my-plugin\s+a plugin model$/m);
  });

  it('loads plugins named in machop.config.mjs, relative to the config file', async () => {
    const project = await mkdtemp(path.join(dir, 'project-mjs-'));
    await writeFile(
      path.join(project, 'machop.config.mjs'),
      "export default { plugins: ['../my-plugin.mjs'] };\n",
    );
    const { code, stdout } = await runCh(['list', 'plugins'], { cwd: project });
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(
        `^my-plugin\\s+1\\s+${path.join(dir, 'my-plugin.mjs').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
        'm',
      ),
    );
    expect(stdout).toMatch(/^@machop\/models\s+1\s+built-in$/m);
  });

  it('refuses a plugin for another API version with one clear line', async () => {
    const { code, stdout, stderr } = await runCh(
      ['list', 'models', '--plugin', './future-plugin.mjs'],
      { cwd: dir },
    );
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'error: plugin "future-plugin" ("./future-plugin.mjs") targets plugin API 2, but this Machop.ts implements API 1; use a version of the plugin made for API 1\n',
    );
  });

  it('refuses a plugin re-adding a taken name, naming both plugins', async () => {
    const { code, stderr } = await runCh(['list', '--plugin', './thief-plugin.mjs'], { cwd: dir });
    expect(code).not.toBe(0);
    expect(stderr).toBe(
      'error: model "jsc-tiny" is already registered by plugin "@machop/models"; plugin "thief-plugin" cannot add it again (rename one of them)\n',
    );
  });

  it('answers unknown commands, flags and names with a suggestion and a non-zero exit', async () => {
    const command = await runCh(['trian'], { cwd: dir });
    expect(command.code).toBe(1);
    expect(command.stderr).toBe(
      'error: unknown command "trian": did you mean "ch train"? (run "ch --help" to see the commands)\n',
    );
    const flag = await runCh(['list', '--jsn'], { cwd: dir });
    expect(flag.stderr).toBe(
      'error: unknown flag --jsn for ch list: did you mean --json? (run "ch list --help" to see its flags)\n',
    );
    const lr = await runCh(['train', 'jsc-tiny', 'toy', '--lr', '1e-3'], { cwd: dir });
    expect(lr.code).toBe(1);
    expect(lr.stderr).toMatch(
      /^error: unknown flag --lr for ch train: did you mean --learning-rate\?/,
    );
    const swapped = await runCh(['train', 'jsc', 'jsc-tiny'], { cwd: dir });
    expect(swapped.code).toBe(1);
    expect(swapped.stderr).toBe(
      'error: "jsc" is a data set and "jsc-tiny" a model: the model comes first, as in "ch train jsc-tiny jsc"\n',
    );
    const name = await runCh(['info', 'jsc-tiy'], { cwd: dir });
    expect(name.code).toBe(1);
    expect(name.stderr).toMatch(
      /^error: unknown model or data set "jsc-tiy": did you mean "jsc-tiny"/,
    );
  });

  it('shows a stack trace only under --debug', async () => {
    const plain = await runCh(['list', '--plugin', './missing.mjs'], { cwd: dir });
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    const debug = await runCh(['list', '--plugin', './missing.mjs', '--debug'], { cwd: dir });
    expect(debug.stderr).toMatch(/^error: cannot load plugin ".\/missing.mjs"/);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});
