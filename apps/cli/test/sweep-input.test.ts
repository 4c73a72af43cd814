import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useJscProject } from './jsc-project.js';
import { runCh } from './run-ch.js';

// End to end: what `ch sweep` checks before it creates anything, with the real binary.
let dir: string;
let env: NodeJS.ProcessEnv;

useJscProject('machop-sweep-input-', 600, (ready) => ({ dir, env } = ready));

/** Run a sweep that must be refused: one line, exit 1, no folder. */
async function refused(flags: string[]): Promise<string> {
  const result = await runCh(['sweep', 'jsc-tiny', 'jsc', ...flags, '--project', 'bad'], {
    cwd: dir,
    env,
    timeoutMs: 120_000,
  });
  expect(result.code).toBe(1);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(existsSync(path.join(dir, 'machop_output'))).toBe(false);
  return result.stderr;
}

describe('ch sweep checks every point before it starts', () => {
  it('refuses a negative batch size in a sweep file, naming file:line, before any folder or worker', async () => {
    const file = path.join(dir, 'negative.yaml');
    await writeFile(file, 'method: grid\nparameters:\n  batch-size:\n    values: [64, -8]\n');
    expect(await refused(['--sweep', file])).toBe(
      `error: ${file}:3: batch-size -8: --batch-size: expected a number >= 1, got "-8"\n`,
    );
  });

  it('refuses Infinity and NaN in a --grid by the rules of ch train', async () => {
    expect(await refused(['--grid', 'learning-rate=0.01,Infinity'])).toBe(
      'error: --grid learning-rate=0.01,Infinity: learning-rate Infinity: --learning-rate: expected a number, got "Infinity"\n',
    );
    expect(await refused(['--grid', 'weight-decay=0,NaN'])).toMatch(
      /^error: --grid weight-decay=0,NaN: weight-decay NaN: --weight-decay: expected a number/,
    );
  });

  it('refuses a setting given to --grid twice instead of keeping the last', async () => {
    expect(await refused(['--grid', 'batch-size=64', '--grid', 'batch-size=128'])).toBe(
      'error: --grid batch-size=128: batch-size is swept twice (also by --grid batch-size=64); give all its values in one --grid\n',
    );
  });

  it('refuses a million-trial grid or random sweep at once, unless --yes', async () => {
    const limit =
      /^error: this sweep has 1000000 trials, more than 10000: check its ranges, counts and seeds, or pass --yes to run them all\n$/;
    expect(await refused(['--grid', 'learning-rate=1e-6:1e-1:log:1000000'])).toMatch(limit);
    expect(await refused(['--random', '1000000', '--grid', 'learning-rate=1e-6:1e-1:log'])).toMatch(
      limit,
    );
  });

  it('trains a value listed twice once', async () => {
    const result = await runCh(
      [
        ...'sweep jsc-tiny jsc --grid batch-size=256,256 --max-epochs 1 --workers 1'.split(' '),
        ...['--project', 'twice'],
      ],
      { cwd: dir, env },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/: 1 trial \(0 already finished, 1 to run\)/);
  });
});
