import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isMachopError } from '@machop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEventFile } from './reader.js';
import { EventFileWriter } from './writer.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'machop-tfevents-lifecycle-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('EventFileWriter lifecycle', () => {
  it('names the file after the current second and this host, creating missing folders', async () => {
    const before = Math.floor(Date.now() / 1000);
    const writer = await EventFileWriter.create(join(folder, 'nested', 'run'));
    const after = Math.ceil(Date.now() / 1000);
    await writer.close();
    const [, seconds, host] = /^events\.out\.tfevents\.(\d+)\.(.+)$/.exec(basename(writer.path))!;
    expect(Number(seconds)).toBeGreaterThanOrEqual(before);
    expect(Number(seconds)).toBeLessThanOrEqual(after);
    expect(host).toBe(hostname().replace(/[/\\]/g, '_'));
  });

  it('only appends: scalars reach the file on flush, and earlier bytes never change', async () => {
    const writer = await EventFileWriter.create(join(folder, 'append'), {
      hostname: 'h',
      wallTime: 100,
    });
    const afterCreate = await readFile(writer.path);
    expect(afterCreate.length).toBeGreaterThan(0);

    writer.addScalar('train_loss_step', 1.25, 1, 101);
    writer.addScalar('train_loss_step', 0.75, 2, 102);
    expect((await readFile(writer.path)).equals(afterCreate)).toBe(true);

    await writer.flush();
    const afterFirstFlush = await readFile(writer.path);
    expect(afterFirstFlush.subarray(0, afterCreate.length).equals(afterCreate)).toBe(true);
    expect(await readEventFile(writer.path)).toEqual([
      { tag: 'train_loss_step', step: 1, wallTime: 101, value: 1.25 },
      { tag: 'train_loss_step', step: 2, wallTime: 102, value: 0.75 },
    ]);

    await writer.flush();
    expect((await readFile(writer.path)).equals(afterFirstFlush)).toBe(true);

    writer.addScalar('val_acc_epoch', 0.5, 2, 103);
    await writer.close();
    const afterClose = await readFile(writer.path);
    expect(afterClose.subarray(0, afterFirstFlush.length).equals(afterFirstFlush)).toBe(true);
    expect((await readEventFile(writer.path)).map((scalar) => scalar.tag)).toEqual([
      'train_loss_step',
      'train_loss_step',
      'val_acc_epoch',
    ]);
  });

  it('keeps call order when flushes are not awaited one by one', async () => {
    const writer = await EventFileWriter.create(join(folder, 'order'), {
      hostname: 'h',
      wallTime: 1,
    });
    const flushes: Promise<void>[] = [];
    for (let step = 0; step < 40; step++) {
      writer.addScalar('lr', 0.1 / (step + 1), step, 2 + step);
      flushes.push(writer.flush());
    }
    await Promise.all(flushes);
    await writer.close();
    expect((await readEventFile(writer.path)).map((scalar) => scalar.step)).toEqual(
      Array.from({ length: 40 }, (_, step) => step),
    );
  });

  it('closes once, and refuses scalars after close', async () => {
    const writer = await EventFileWriter.create(join(folder, 'close'), {
      hostname: 'h',
      wallTime: 1,
    });
    writer.addScalar('lr', 0.5, 1, 2);
    await Promise.all([writer.close(), writer.close()]);
    await writer.close();
    expect(() => writer.addScalar('lr', 0.5, 2, 3)).toThrow(/closed/);
    expect(await readEventFile(writer.path)).toHaveLength(1);
  });

  it('refuses to adopt an event file that already exists, leaving it untouched', async () => {
    const dir = join(folder, 'collision');
    const first = await EventFileWriter.create(dir, { hostname: 'h', wallTime: 5 });
    first.addScalar('lr', 0.5, 1, 6);
    await first.close();
    const size = (await stat(first.path)).size;
    const error: unknown = await EventFileWriter.create(dir, {
      hostname: 'h',
      wallTime: 5.9,
    }).catch((thrown: unknown) => thrown);
    expect(isMachopError(error) && error.code).toBe('E_IO');
    expect(String(error)).toMatch(/already|EEXIST/);
    expect((await stat(first.path)).size).toBe(size);
  });

  it('keeps path separators in a host name from escaping the folder', async () => {
    const writer = await EventFileWriter.create(join(folder, 'host'), {
      hostname: '../evil',
      wallTime: 1,
    });
    await writer.close();
    expect(writer.path).toBe(join(folder, 'host', 'events.out.tfevents.1..._evil'));
  });

  it('rejects scalars TensorBoard could not store', async () => {
    const writer = await EventFileWriter.create(join(folder, 'invalid'), {
      hostname: 'h',
      wallTime: 1,
    });
    expect(() => writer.addScalar('', 1, 1)).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => writer.addScalar('lr', 1, 1.5)).toThrow(/integer step/);
    expect(() => writer.addScalar('lr', 1, 2 ** 53)).toThrow(/integer step/);
    expect(() => writer.addScalar('lr', 1, 1, Number.NaN)).toThrow(/wall time/);
    await writer.close();
    expect(await readEventFile(writer.path)).toEqual([]);
    await expect(EventFileWriter.create(join(folder, 'invalid'), { wallTime: -1 })).rejects.toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringMatching(/wallTime/) }),
    );
  });
});
