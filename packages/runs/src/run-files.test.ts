import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeDirAtomic } from '@machop/core/base';
import { describe, expect, it } from 'vitest';
import { runPaths } from './files.js';
import {
  checkpointDir,
  readRunConfig,
  readRunSummary,
  runOfCheckpoint,
  RunWriter,
} from './run-files.js';
import type { RunConfig, RunSummary } from './types.js';

function runFolder(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'machop-run-files-')), 'project', 'run');
  mkdirSync(dir, { recursive: true });
  return dir;
}

const config = { format: 'machop-run', version: 1, options: { seed: 3 } } as unknown as RunConfig;
const summary = { status: 'completed', epochs: 2 } as unknown as RunSummary;

describe('RunWriter', () => {
  it('writes config.json and summary.json whole, leaving no temporary file, and reads them back', async () => {
    const dir = runFolder();
    const writer = RunWriter.open(dir);
    await writer.writeConfig(config);
    await writer.writeSummary(summary);
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'summary.json']);
    expect(JSON.parse(readFileSync(runPaths(dir).config, 'utf8'))).toEqual(config);
    expect((await readRunConfig(dir)).options).toEqual({ seed: 3 });
    expect(await readRunSummary(dir)).toEqual(summary);
  });

  it('stops with one line, re-creating nothing, when the run folder was deleted', async () => {
    const dir = runFolder();
    const writer = RunWriter.open(dir);
    rmSync(dir, { recursive: true });
    const line = `run folder ${dir} was deleted while the run was writing to it; the run stopped, nothing was re-created: start the run again`;
    await expect(writer.writeSummary(summary)).rejects.toThrow(line);
    expect(() => writer.checkpoint('last')).toThrow(line);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('RunWriter when the run folder is deleted in the middle of a write', () => {
  const line = (dir: string) =>
    `run folder ${dir} was deleted while the run was writing to it; the run stopped, nothing was re-created: start the run again`;

  it('fails a checkpoint save with the one line and makes neither the run folder nor checkpoints/ again', async () => {
    const dir = runFolder();
    const writer = RunWriter.open(dir);
    await expect(
      writer.saveCheckpoint('last', async (checkpoint) => {
        // The folder goes after the writer's check, just before the checkpoint is written.
        rmSync(dir, { recursive: true });
        await writeDirAtomic(checkpoint, (temp) => writeFile(path.join(temp, 'model.json'), '{}'), {
          createParents: false,
        });
      }),
    ).rejects.toThrow(line(dir));
    expect(existsSync(dir)).toBe(false);
  });

  it('does not start a checkpoint save into a run folder already gone', async () => {
    const dir = runFolder();
    const writer = RunWriter.open(dir);
    rmSync(dir, { recursive: true });
    let saved = false;
    await expect(
      writer.saveCheckpoint('best', () => {
        saved = true;
        return Promise.resolve();
      }),
    ).rejects.toThrow(line(dir));
    expect(saved).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it('saves checkpoints into checkpoints/<name> while the folder is there', async () => {
    const dir = runFolder();
    const writer = RunWriter.open(dir);
    for (const name of ['last', 'best'] as const)
      await writer.saveCheckpoint(name, (checkpoint) =>
        writeDirAtomic(checkpoint, (temp) => writeFile(path.join(temp, 'model.json'), name), {
          createParents: false,
        }),
      );
    expect(readFileSync(path.join(checkpointDir(dir, 'best'), 'model.json'), 'utf8')).toBe('best');
    expect(readdirSync(path.join(dir, 'checkpoints')).sort()).toEqual(['best', 'last']);
  });
});

describe('reading a run folder', () => {
  it('refuses a damaged config.json in one line naming it', async () => {
    const dir = runFolder();
    writeFileSync(runPaths(dir).config, '{ not json');
    await expect(readRunConfig(dir)).rejects.toThrow(
      `${runPaths(dir).config} is missing or not valid JSON`,
    );
    expect(await readRunSummary(dir)).toBeNull();
  });

  it('finds the run a checkpoint folder belongs to', async () => {
    const dir = runFolder();
    await RunWriter.open(dir).writeConfig(config);
    expect(checkpointDir(dir, 'best')).toBe(path.join(dir, 'checkpoints', 'best'));
    expect(runOfCheckpoint(checkpointDir(dir, 'best'))).toBe(dir);
    expect(runOfCheckpoint(path.join(path.dirname(dir), 'elsewhere'))).toBeUndefined();
  });
});
