import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMachopError } from '@machop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFileVersionEvent } from './event.js';
import { ProtobufWriter } from './protobuf.js';
import { readEventFile } from './reader.js';
import { encodeRecord } from './record.js';
import { EventFileWriter } from './writer.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'machop-tfevents-reader-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** A written event file with `count` scalars over two tags, and what was written. */
async function writeRun(name: string, count: number) {
  const writer = await EventFileWriter.create(join(folder, name), {
    hostname: 'h',
    wallTime: 1_000,
  });
  const written = Array.from({ length: count }, (_, index) => ({
    tag: index % 2 === 0 ? 'train_loss_step' : 'val_acc_epoch',
    step: index * 7,
    wallTime: 1_000 + index / 4,
    value: Math.fround(Math.sin(index + 1)),
  }));
  for (const scalar of written)
    writer.addScalar(scalar.tag, scalar.value, scalar.step, scalar.wallTime);
  await writer.close();
  return { path: writer.path, written, bytes: await readFile(writer.path) };
}

async function errorOf(promise: Promise<unknown>): Promise<{ code: unknown; message: string }> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(isMachopError(error)).toBe(true);
  return { code: (error as { code: unknown }).code, message: (error as Error).message };
}

describe('readEventFile', () => {
  it('reads back every scalar the writer wrote, in order', async () => {
    const { path, written } = await writeRun('round-trip', 25);
    expect(await readEventFile(path)).toEqual(written);
  });

  it('returns float32 values, as TensorBoard stores them', async () => {
    const writer = await EventFileWriter.create(join(folder, 'float32'), {
      hostname: 'h',
      wallTime: 1,
    });
    writer.addScalar('lr', 0.1, 1, 2);
    await writer.close();
    const [scalar] = await readEventFile(writer.path);
    expect(scalar.value).toBe(Math.fround(0.1));
    expect(scalar.value).not.toBe(0.1);
  });

  it('ignores a last record cut anywhere short (a crash or a write in progress)', async () => {
    const { written, bytes } = await writeRun('truncated', 3);
    const lastRecordStart = bytes.length - lastRecordSize(bytes);
    const path = join(folder, 'truncated', 'cut.tfevents');
    for (let end = lastRecordStart; end < bytes.length; end++) {
      await writeFile(path, bytes.subarray(0, end));
      expect(await readEventFile(path), `cut at byte ${end}`).toEqual(written.slice(0, -1));
    }
  });

  it('reads a file while it is being appended to', async () => {
    const { written, bytes } = await writeRun('live', 4);
    const path = join(folder, 'live', 'growing.tfevents');
    const half = bytes.length - Math.floor(lastRecordSize(bytes) / 2);
    await writeFile(path, bytes.subarray(0, half));
    expect(await readEventFile(path)).toEqual(written.slice(0, -1));
    await appendFile(path, bytes.subarray(half));
    expect(await readEventFile(path)).toEqual(written);
  });

  it('rejects a flipped bit in a record length, naming the file and byte', async () => {
    const { bytes } = await writeRun('bad-length', 2);
    const damaged = Buffer.from(bytes);
    const secondRecord = recordStarts(bytes)[1];
    damaged[secondRecord] ^= 0x04;
    const path = join(folder, 'bad-length', 'damaged.tfevents');
    await writeFile(path, damaged);
    const error = await errorOf(readEventFile(path));
    expect(error.code).toBe('E_IO');
    expect(error.message).toContain(path);
    expect(error.message).toContain(`byte ${secondRecord}:`);
    expect(error.message).toMatch(/length checksum/);
  });

  it('rejects a flipped bit in record data, even in the last complete record', async () => {
    const { bytes } = await writeRun('bad-data', 3);
    for (const start of recordStarts(bytes)) {
      const damaged = Buffer.from(bytes);
      damaged[start + 14] ^= 0x01;
      const path = join(folder, 'bad-data', `damaged-${start}.tfevents`);
      await writeFile(path, damaged);
      const error = await errorOf(readEventFile(path));
      expect(error.message).toContain(`byte ${start}: record data checksum mismatch`);
    }
  });

  it('rejects a damaged data checksum', async () => {
    const { bytes } = await writeRun('bad-crc', 2);
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 1] ^= 0x80;
    const path = join(folder, 'bad-crc', 'damaged.tfevents');
    await writeFile(path, damaged);
    expect((await errorOf(readEventFile(path))).message).toMatch(/data checksum mismatch/);
  });

  it('rejects a record with valid checksums that is not an Event', async () => {
    const path = join(folder, 'not-event.tfevents');
    // Field 1 claims to be a double but the message ends after three bytes.
    await writeFile(
      path,
      Buffer.concat([
        encodeRecord(encodeFileVersionEvent(1)),
        encodeRecord(Uint8Array.of(0x09, 1, 2, 3)),
      ]),
    );
    const error = await errorOf(readEventFile(path));
    expect(error.message).toMatch(/not a valid Event/);
    expect(error.message).toContain(`byte ${encodeRecord(encodeFileVersionEvent(1)).length}:`);
  });

  it('skips events and summary values that are not scalars, and fields it does not know', async () => {
    const image = new ProtobufWriter().int64(1, 28).int64(2, 28).finish();
    const summary = new ProtobufWriter()
      .message(1, new ProtobufWriter().string(1, 'digits').message(4, image).finish())
      .message(1, new ProtobufWriter().string(1, 'loss').int64(99, 1).float(2, 0.25).finish())
      .finish();
    const event = new ProtobufWriter()
      .double(1, 7.5)
      .int64(2, 12)
      .message(5, summary)
      .string(42, 'future')
      .finish();
    const logMessage = new ProtobufWriter()
      .double(1, 8)
      .message(6, new ProtobufWriter().string(2, 'hi').finish())
      .finish();
    const path = join(folder, 'foreign.tfevents');
    await writeFile(
      path,
      Buffer.concat([encodeFileVersionEvent(1), event, logMessage].map(encodeRecord)),
    );
    expect(await readEventFile(path)).toEqual([
      { tag: 'loss', step: 12, wallTime: 7.5, value: 0.25 },
    ]);
  });

  it('returns nothing for an empty file and explains a missing one', async () => {
    const empty = join(folder, 'empty.tfevents');
    await writeFile(empty, new Uint8Array(0));
    expect(await readEventFile(empty)).toEqual([]);
    const missing = await errorOf(readEventFile(join(folder, 'missing.tfevents')));
    expect(missing.code).toBe('E_IO');
    expect(missing.message).toMatch(
      /^cannot read event file .+: no such file or folder: check the path \(ENOENT\)$/,
    );
  });
});

/** Byte offsets where each record starts, walking the length fields. */
function recordStarts(bytes: Buffer): number[] {
  const starts: number[] = [];
  for (
    let offset = 0;
    offset < bytes.length;
    offset += 16 + Number(bytes.readBigUInt64LE(offset))
  ) {
    starts.push(offset);
  }
  return starts;
}

/** Size in bytes of the last record, framing included. */
function lastRecordSize(bytes: Buffer): number {
  return bytes.length - recordStarts(bytes).at(-1)!;
}
