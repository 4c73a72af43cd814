// What `ch` loads at start-up: a command imports its own modules only, and commands that neither
// train nor draw never load TensorFlow.js, BullMQ, Vega or an engine. Times are measured by
// `npm run bench` (bench/startup.mjs), never here; this checks the modules a real `ch` imports,
// listed by a module hook that Node runs in the child process.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCh } from './run-ch.js';

const HEAVY = /@tensorflow|bullmq|ioredis|\/vega|engine-fused|smol-toml|\/yaml\//;

/** The modules `ch args...` resolves, each as its URL. */
async function modulesLoaded(args: string[], code = 0): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'machop-startup-'));
  const list = path.join(dir, 'modules.txt');
  writeFileSync(list, '');
  const hooks = path.join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(list)}, resolved.url + '\\n');
  return resolved;
}
`,
  );
  const register = path.join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  const result = await runCh(args, {
    cwd: dir,
    env: { NODE_OPTIONS: `--import=${pathToFileURL(register).href}` },
  });
  expect(result.code, result.stderr).toBe(code);
  expect(result.stderr).not.toMatch(/bug/);
  return readFileSync(list, 'utf8').split('\n').filter(Boolean);
}

describe('ch start-up', () => {
  it('shows its help and version without loading any command or core', async () => {
    for (const args of [['--help'], ['--version']]) {
      const modules = await modulesLoaded(args);
      expect(modules.filter((url) => HEAVY.test(url))).toEqual([]);
      expect(modules.filter((url) => /packages\/(core|trainer|runs|sweep)\//.test(url))).toEqual(
        [],
      );
      expect(modules.filter((url) => /commands?-|\/commands\//.test(url))).toEqual([]);
    }
  });

  it('lists models and data sets without TensorFlow.js, BullMQ, Vega or an engine', async () => {
    // The built-in plugins register their entries; their tfjs layers are built only on first use.
    const modules = await modulesLoaded(['list']);
    expect(modules.some((url) => /packages\/models\//.test(url))).toBe(true);
    expect(modules.filter((url) => HEAVY.test(url))).toEqual([]);
  });

  it('exports a run to ONNX without TensorFlow.js, BullMQ, Vega or an engine', async () => {
    // A missing run: ch export refuses it after loading everything its work needs.
    const modules = await modulesLoaded(['export', '--load', 'no-run', '--format', 'onnx'], 1);
    expect(modules.some((url) => /packages\/export\//.test(url))).toBe(true);
    // @machop/graph's entry brings its TOML reader (small); tfjs and the engines stay out.
    expect(modules.filter((url) => HEAVY.test(url) && !/smol-toml/.test(url))).toEqual([]);
  });

  it('lists runs without TensorFlow.js, BullMQ, Vega or an engine', async () => {
    // An empty folder: `ch runs` says there are no runs, after loading all it needs to read them.
    const modules = await modulesLoaded(['runs'], 1);
    expect(modules.filter((url) => HEAVY.test(url))).toEqual([]);
  });

  it('emits, simulates and synthesizes without TensorFlow.js, BullMQ, Vega or an engine', async () => {
    // Each stops at its first check (no run, no design), after loading all its modules.
    for (const args of [
      ['emit', '--load', 'no-such-run', '--out', 'design'],
      ['simulate', 'no-such-design'],
      ['synth', 'no-such-design'],
    ]) {
      const modules = await modulesLoaded(args, 1);
      expect(modules.some((url) => /packages\/hardware\//.test(url))).toBe(true);
      expect(modules.filter((url) => HEAVY.test(url))).toEqual([]);
    }
  });
});
