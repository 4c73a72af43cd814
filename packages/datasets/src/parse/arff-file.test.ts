import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSC_CLASSES, JSC_FEATURES } from '../jsc/schema.js';
import { syntheticJscArff } from '../test-support/synthetic-jsc.js';
import { parseArff } from './arff.js';
import { parseArffFile } from './arff-file.js';

const JSC = { labelColumn: 'class', featureColumns: JSC_FEATURES, classNames: JSC_CLASSES };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'machop-arff-file-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function written(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

function messageOf(run: () => unknown): Promise<string> {
  return Promise.resolve()
    .then(run)
    .then(
      () => 'no error',
      (error: Error) => error.message,
    );
}

describe('parseArffFile', () => {
  // Chunks smaller than a row, about a row, and many rows; CRLF, quoted labels and comments.
  const text = syntheticJscArff({
    rows: 700,
    seed: 4,
    duplicates: 9,
    lineEnd: '\r\n',
    quoteLabels: true,
  }).replace(/\r\n(?=[^@%\r\n][^\r\n]*\r\n)/, '\r\n% a comment among the rows\r\n\r\n');
  it.each([150, 333, 4096, 1 << 20])(
    'reads in chunks of %i bytes the same table as parseArff of the whole file, and hashes every byte',
    async (chunk) => {
      const file = await written(`jets-${chunk}.arff`, text);
      const hash = createHash('md5');
      const table = await parseArffFile(file, JSC, hash, chunk);
      const whole = parseArff(new TextEncoder().encode(text), file, JSC);
      expect(table.rows).toBe(709);
      expect(table.classNames).toEqual(whole.classNames);
      expect(table.featureNames).toEqual(whole.featureNames);
      expect(Array.from(table.y)).toEqual(Array.from(whole.y));
      expect(Buffer.from(table.x.buffer, table.x.byteOffset, table.x.byteLength)).toEqual(
        Buffer.from(whole.x.buffer, whole.x.byteOffset, whole.x.byteLength),
      );
      expect(hash.digest('hex')).toBe(createHash('md5').update(text).digest('hex'));
    },
  );

  it('reports a bad value deep in the file at its line, as parseArff does', async () => {
    const lines = syntheticJscArff({ rows: 400, seed: 2 }).split('\n');
    const line = lines.length - 50;
    lines[line - 1] = lines[line - 1].replace(/^[^,]+/, 'oops');
    const bad = lines.join('\n');
    const file = await written('bad.arff', bad);
    const chunked = await messageOf(() => parseArffFile(file, JSC, undefined, 512));
    expect(chunked).toContain(`line ${line}`);
    expect(chunked).toBe(
      await messageOf(() => parseArff(new TextEncoder().encode(bad), file, JSC)),
    );
  });

  it('reports a header problem and a missing file as one-line errors', async () => {
    const noData = await written('no-data.arff', '@relation x\n@attribute a numeric\n'.repeat(40));
    expect(await messageOf(() => parseArffFile(noData, JSC, undefined, 128))).toBe(
      await messageOf(() =>
        parseArff(
          new TextEncoder().encode('@relation x\n@attribute a numeric\n'.repeat(40)),
          noData,
          JSC,
        ),
      ),
    );
    expect(await messageOf(() => parseArffFile(path.join(dir, 'absent.arff'), JSC))).toMatch(
      /absent\.arff: no such file; check the path$/,
    );
  });
});
