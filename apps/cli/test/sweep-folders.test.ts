import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useJscProject } from './jsc-project.js';
import { runCh } from './run-ch.js';

// End to end: which folders `ch sweep` takes for its trials. It never deletes or reuses a folder
// that is not the trial's own run (a user's folder, another sweep's run, a damaged run).
let dir: string;
let env: NodeJS.ProcessEnv;
const QUICK = ['--max-epochs', '1', '--log-every-n-steps', '5', '--workers', '1'];

useJscProject('machop-sweep-folders-', 600, (ready) => ({ dir, env } = ready));

const json = async (file: string) => JSON.parse(await readFile(file, 'utf8'));
const root = (name: string) => path.join(dir, 'machop_output', name);

async function sweepRecords(name: string) {
  const sweeps = path.join(root(name), 'sweeps');
  const ids = (await readdir(sweeps, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  return Promise.all(ids.map((id) => json(path.join(sweeps, id, 'sweep.json'))));
}

describe('ch sweep and folders it did not make', () => {
  it("leaves a user's folder at a trial's path alone and trains the trial under another name", async () => {
    await mkdir(path.join(root('notes'), 's0'), { recursive: true });
    await writeFile(path.join(root('notes'), 's0', 'notes.txt'), 'my notes\n');
    const result = await runCh(
      ['sweep', 'jsc-tiny', 'jsc', '--seeds', '0', '--project', 'notes', ...QUICK],
      { cwd: dir, env },
    );
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    expect(await readFile(path.join(root('notes'), 's0', 'notes.txt'), 'utf8')).toBe('my notes\n');
    expect(await readdir(path.join(root('notes'), 's0'))).toEqual(['notes.txt']);
    const [record] = await sweepRecords('notes');
    expect(record.trials[0].runId).toBe(`s0_${record.id}`);
    const config = await json(path.join(root('notes'), record.trials[0].runId, 'config.json'));
    expect(config.sweep.id).toBe(record.id);
  });

  it('keeps a finished trial whose config.json is damaged, refuses, and retrains it into a new folder only when asked', async () => {
    const command = ['sweep', 'jsc-tiny', 'jsc', '--seeds', '0', '--project', 'damaged', ...QUICK];
    expect((await runCh(command, { cwd: dir, env })).code).toBe(0);
    const config = path.join(root('damaged'), 's0', 'config.json');
    await writeFile(config, '{"format": "machop-run", "opt');

    const refused = await runCh(command, { cwd: dir, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `error: trial s0: ${config} is damaged (not valid JSON); the run is kept: repair or move it away, or pass --retrain-damaged to train the trial again in a new folder\n`,
    );
    expect(await readFile(config, 'utf8')).toBe('{"format": "machop-run", "opt');

    const retrained = await runCh([...command, '--retrain-damaged'], { cwd: dir, env });
    expect(retrained.stderr).not.toMatch(/error/);
    expect(retrained.code).toBe(0);
    expect(await readFile(config, 'utf8')).toBe('{"format": "machop-run", "opt');
    const [record] = await sweepRecords('damaged');
    expect(record.trials[0].runId).toBe(`s0_${record.id}`);
    expect(record.command).not.toContain('--retrain-damaged');
    const summary = await json(path.join(root('damaged'), record.trials[0].runId, 'summary.json'));
    expect(summary.status).toBe('completed');
  });

  it('gives two sweeps started at once distinct folders, and a re-run counts only its own run', async () => {
    // Two sweeps with different fixed settings (so different ids) and the same trial name, s0.
    const [first, second] = await Promise.all([
      runCh([...'sweep jsc-tiny jsc --seeds 0 --project both'.split(' '), ...QUICK], {
        cwd: dir,
        env,
      }),
      runCh(
        [...'sweep jsc-tiny jsc --seeds 0 --project both --batch-size 64'.split(' '), ...QUICK],
        { cwd: dir, env },
      ),
    ]);
    expect(first.stderr + second.stderr).not.toMatch(/error/);
    expect([first.code, second.code]).toEqual([0, 0]);
    const records = await sweepRecords('both');
    expect(records).toHaveLength(2);
    const runIds = records.map((record) => record.trials[0].runId);
    expect(new Set(runIds).size).toBe(2);
    for (const record of records) {
      const config = await json(path.join(root('both'), record.trials[0].runId, 'config.json'));
      expect(config.sweep.id).toBe(record.id);
    }
    // The same first command again: its own run is finished, the other sweep's is not its.
    const again = await runCh(
      [...'sweep jsc-tiny jsc --seeds 0 --project both'.split(' '), ...QUICK],
      {
        cwd: dir,
        env,
      },
    );
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/1 trial \(1 already finished, 0 to run\)/);
  });

  it("does not count another sweep's finished run of the same name as its own", async () => {
    // Sweep B ran first and holds s0; then sweep A's record is made to claim s0 as well (as a
    // record written before B's run existed would).
    const b = [
      ...'sweep jsc-tiny jsc --seeds 0 --project stolen --batch-size 64'.split(' '),
      ...QUICK,
    ];
    expect((await runCh(b, { cwd: dir, env })).code).toBe(0);
    const a = [...'sweep jsc-tiny jsc --seeds 0 --project stolen'.split(' '), ...QUICK];
    const first = await runCh(a, { cwd: dir, env });
    expect(first.code).toBe(0);
    const records = await sweepRecords('stolen');
    const mine = records.find((record) => !record.base.args.includes('--batch-size=64'));
    const file = path.join(root('stolen'), 'sweeps', mine.id, 'sweep.json');
    mine.trials[0].runId = 's0';
    await writeFile(file, JSON.stringify(mine));
    const again = await runCh(a, { cwd: dir, env });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/1 already finished, 0 to run/);
    expect((await json(file)).trials[0].runId).toBe(`s0_${mine.id}`);
    expect(existsSync(path.join(root('stolen'), 's0', 'config.json'))).toBe(true);
  });
});
