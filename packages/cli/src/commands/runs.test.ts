import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

// `ch runs` over real run folders in the shapes @machop/runs reads.
let projectDir: string;

function writeRun(id: string, batchSize: number, accuracy: number, metrics?: string): string {
  const dir = path.join(projectDir, 'lab', id);
  mkdirSync(dir, { recursive: true });
  const options = { model: 'jsc-tiny', dataset: 'jsc', batchSize, learningRate: 0.001, seed: 0 };
  const config = { format: 'machop-run', version: 1, runId: id, options, tags: [], seed: 0 };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  const line = (name: string, value: number) =>
    JSON.stringify({ step: 10, epoch: 0, time: 1, name, value }) + '\n';
  writeFileSync(
    path.join(dir, 'metrics.jsonl'),
    metrics ?? line('val_acc_epoch', accuracy) + line('val_loss_epoch', 1 - accuracy),
  );
  writeFileSync(
    path.join(dir, 'summary.json'),
    JSON.stringify({ status: 'completed', epochs: 1, wallTimeSeconds: 2 }),
  );
  return dir;
}

async function ch(
  args: readonly string[],
  columns?: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const out = Object.assign(
    sink((text) => (stdout += text)),
    {
      isTTY: columns !== undefined,
      columns,
    },
  );
  const err = sink((text) => (stderr += text));
  const code = await main(['runs', '--project-dir', projectDir, ...args], {
    stdout: out,
    stderr: err,
    env: { NO_COLOR: '1' },
    cwd: projectDir,
  });
  return { code, stdout, stderr };
}

const names = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s+/)[0]);

beforeAll(() => {
  projectDir = mkdtempSync(path.join(tmpdir(), 'machop-ch-runs-'));
  writeRun('bs1024', 1024, 0.7);
  writeRun('bs64', 64, 0.75);
  writeRun('bs256', 256, 0.72);
});

describe('ch runs: order', () => {
  it('lists names in natural order, bs64 before bs1024', async () => {
    const result = await ch([]);
    expect(result.code).toBe(0);
    expect(names(result.stdout)).toEqual(['bs64', 'bs256', 'bs1024']);
  });

  it('sorts a setting numerically ascending, and a metric best first as it declares', async () => {
    expect(names((await ch(['--sort', 'batch-size'])).stdout)).toEqual(['bs64', 'bs256', 'bs1024']);
    expect(names((await ch(['--sort', 'val_acc_epoch'])).stdout)).toEqual([
      'bs64',
      'bs256',
      'bs1024',
    ]);
    const byLoss = await ch(['--metric', 'val_loss_epoch', '--sort', 'val_loss_epoch']);
    expect(names(byLoss.stdout)).toEqual(['bs64', 'bs256', 'bs1024']);
  });
});

describe('ch runs: bad filters and sort keys', () => {
  it.each([
    [['--filter', 'nosuch=3'], 'error: --filter "nosuch=3": no run has "nosuch"'],
    [['--filter', 'bach-size=64'], 'did you mean "batch-size"?'],
    [['--filter', 'batch-size>>'], 'error: --filter "batch-size>>": write KEY OP VALUE'],
    [['--filter', 'batch-size>big'], 'batch-size is a number, so compare it with a number'],
    [['--sort', 'nosuch'], 'error: --sort: no run has "nosuch"'],
    [['--sort', 'val_acc'], 'did you mean "val_acc_epoch"'],
  ])('%j is one line and a non-zero exit', async (args, message) => {
    const result = await ch(args);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('still filters on good keys', async () => {
    expect(names((await ch(['--filter', 'batch-size>=256'])).stdout)).toEqual(['bs256', 'bs1024']);
  });
});

describe('ch runs: narrow terminals', () => {
  it('says which columns a table at 80 columns leaves out', async () => {
    const result = await ch(['--metric', 'val_acc_epoch', '--metric', 'val_loss_epoch'], 80);
    expect(result.code).toBe(0);
    for (const line of result.stdout.trimEnd().split('\n'))
      expect(line.length).toBeLessThanOrEqual(80);
    expect(result.stderr).toMatch(
      /^ch runs: \d+ columns do not fit in 80 columns and are not shown \(.*wall s\); widen the terminal/,
    );
  });
});

describe('ch runs: damaged runs', () => {
  it('lists the good runs and names a run with garbage lines or a link out of the project', async () => {
    const garbage = writeRun('bs32', 32, 0.6, 'garbage\n{"no": "record"}\n');
    const linked = writeRun('bs16', 16, 0.6);
    const outside = mkdtempSync(path.join(tmpdir(), 'machop-outside-'));
    writeFileSync(path.join(outside, 'log.jsonl'), 'secret\n');
    const metrics = path.join(linked, 'metrics.jsonl');
    rmSync(metrics);
    symlinkSync(path.join(outside, 'log.jsonl'), metrics);
    const result = await ch([]);
    expect(result.code).toBe(0);
    expect(names(result.stdout)).toEqual(['bs64', 'bs256', 'bs1024']);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines).toContainEqual(
      expect.stringMatching(
        `^ch runs: left out run ${garbage}: .*metrics.jsonl:1 is not a metric record`,
      ),
    );
    expect(lines).toContainEqual(
      `ch runs: left out run ${linked}: ${metrics} is a symbolic link out of project ${path.join(projectDir, 'lab')}; not followed (replace it with the file itself)`,
    );
    rmSync(garbage, { recursive: true });
    rmSync(linked, { recursive: true });
  });
});
