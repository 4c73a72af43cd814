import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricsTail, readMetrics } from './metrics.js';

const line = (step: number, value: number | null) =>
  JSON.stringify({ step, epoch: 0, time: 1, name: 'train_loss_step', value }) + '\n';

function logFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'machop-metrics-')), 'metrics.jsonl');
  writeFileSync(file, text);
  return file;
}

describe('readMetrics', () => {
  it('reads every record and leaves out a torn last line', async () => {
    const file = logFile(line(1, 0.5) + line(2, null) + '{"step":3,"ep');
    expect((await readMetrics(file)).map((record) => record.value)).toEqual([0.5, null]);
  });

  it('throws on a damaged line in the middle, naming file and line, unless asked to skip', async () => {
    const file = logFile(line(1, 0.5) + 'garbage\n' + line(3, 0.25));
    await expect(readMetrics(file)).rejects.toThrow(`${file}:2 is not a metric record`);
    const records = await readMetrics(file, { damaged: 'skip' });
    expect(records.map((record) => record.step)).toEqual([1, 3]);
  });
});

describe('MetricsTail', () => {
  it('returns only what was appended, and a line once it is whole', async () => {
    const file = logFile(line(1, 1));
    const tail = new MetricsTail(file);
    expect((await tail.read()).records.map((record) => record.step)).toEqual([1]);
    expect((await tail.read()).records).toEqual([]);
    const next = line(2, 2);
    appendFileSync(file, next.slice(0, 10));
    expect((await tail.read()).records).toEqual([]);
    appendFileSync(file, next.slice(10) + 'not json\n' + line(3, 3));
    const read = await tail.read();
    expect(read.records.map((record) => record.step)).toEqual([2, 3]);
    // The skipped line is named, so that `ch plot` can warn about it.
    expect(read.damaged).toEqual([3]);
  });

  it('starts again when the file shrank (a resume cut the log back), and says so', async () => {
    const file = logFile(line(1, 1) + line(2, 2) + line(3, 3));
    const tail = new MetricsTail(file);
    await tail.read();
    writeFileSync(file, line(1, 1));
    expect(await tail.read()).toEqual({
      records: [JSON.parse(line(1, 1))],
      reset: true,
      damaged: [],
    });
  });

  it('reads a missing file as no records yet', async () => {
    const tail = new MetricsTail(path.join(tmpdir(), 'no-such-run', 'metrics.jsonl'));
    expect(await tail.read()).toEqual({ records: [], reset: false, damaged: [] });
  });
});
