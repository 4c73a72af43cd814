import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenmlServer } from '../test-support/openml-server.js';
import { syntheticJscArff } from '../test-support/synthetic-jsc.js';
import { downloadVerified } from './download.js';
import { failure } from '../test-support/failure.js';

const arff = new TextEncoder().encode(syntheticJscArff({ rows: 3000, seed: 2 }));
const md5 = createHash('md5').update(arff).digest('hex');
let server: OpenmlServer;
let folder: string;
const url = () => `${server.url}/data/v1/download/1/jets.arff`;

/** The folder holds nothing at all: no final file and no temporary one. */
async function expectNothingLeft(): Promise<void> {
  expect(await readdir(folder)).toEqual([]);
}

beforeAll(async () => {
  server = await new OpenmlServer(arff).start();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(async () => {
  server.mode = 'complete';
  folder = await mkdtemp(path.join(os.tmpdir(), 'machop-download-'));
  return () => rm(folder, { recursive: true, force: true });
});

describe('downloadVerified', () => {
  it('downloads, verifies the md5 and reports progress up to the full size', async () => {
    const progress: [number, number | undefined][] = [];
    const file = path.join(folder, 'jets.arff');
    const result = await downloadVerified({
      url: url(),
      file,
      md5,
      reporter: { info() {}, progress: (_, done, total) => progress.push([done, total]) },
    });
    expect(result).toBe(md5);
    expect(Buffer.compare(await readFile(file), arff)).toBe(0);
    expect(progress[0]).toEqual([0, arff.length]);
    expect(progress.at(-1)).toEqual([arff.length, arff.length]);
    expect(progress.every(([done], index) => index === 0 || done >= progress[index - 1][0])).toBe(
      true,
    );
    expect(await readdir(folder)).toEqual(['jets.arff']);
  });

  it('deletes a download whose md5 does not match and says so', async () => {
    const wrong = 'f'.repeat(32);
    const error = await failure(
      downloadVerified({
        url: url(),
        file: path.join(folder, 'jets.arff'),
        md5: wrong,
        reporter: { info() {} },
      }),
    );
    expect(error.code).toBe('E_CHECKSUM');
    expect(error.message).toBe(
      `the file downloaded from ${url()} has md5 ${md5}, expected ${wrong}; the bad download was deleted, run the command again (if it repeats, the server is serving a different file)`,
    );
    await expectNothingLeft();
  });

  it('leaves no file when the server closes the connection before Content-Length bytes', async () => {
    server.mode = 'cut-with-length';
    const error = await failure(
      downloadVerified({
        url: url(),
        file: path.join(folder, 'jets.arff'),
        md5,
        reporter: { info() {} },
      }),
    );
    expect(error.code).toBe('E_DOWNLOAD');
    expect(error.message).toMatch(
      /was cut off .*the partial file was deleted, run the command again/,
    );
    await expectNothingLeft();
  });

  it('leaves no file when a chunked transfer stops midway', async () => {
    server.mode = 'cut-chunked';
    const error = await failure(
      downloadVerified({
        url: url(),
        file: path.join(folder, 'jets.arff'),
        md5,
        reporter: { info() {} },
      }),
    );
    expect(['E_DOWNLOAD', 'E_CHECKSUM']).toContain(error.code);
    await expectNothingLeft();
  });

  it('reports an HTTP error status', async () => {
    server.mode = 'not-found';
    const error = await failure(
      downloadVerified({
        url: url(),
        file: path.join(folder, 'jets.arff'),
        md5,
        reporter: { info() {} },
      }),
    );
    expect(error).toEqual({
      code: 'E_DOWNLOAD',
      message: `download of ${url()} failed: the server answered 404 Not Found; try again later, or download the file yourself and pass --data-dir`,
    });
    await expectNothingLeft();
  });

  it('stops when aborted and keeps nothing', async () => {
    const controller = new AbortController();
    const reporter = {
      info() {},
      progress: (_: string, done: number) => done > 0 && controller.abort(),
    };
    const error = await failure(
      downloadVerified({
        url: url(),
        file: path.join(folder, 'jets.arff'),
        md5,
        reporter,
        signal: controller.signal,
      }),
    );
    expect(error.code).toBe('E_DOWNLOAD');
    expect(error.message).toMatch(/was aborted/);
    await expectNothingLeft();
  });

  it('reports an unreachable server', async () => {
    const closed = await new OpenmlServer(arff).start();
    const address = `${closed.url}/jets.arff`;
    await closed.stop();
    const error = await failure(
      downloadVerified({
        url: address,
        file: path.join(folder, 'jets.arff'),
        md5,
        reporter: { info() {} },
      }),
    );
    expect(error.code).toBe('E_DOWNLOAD');
    expect(error.message).toMatch(
      new RegExp(`^cannot download ${address.replace(/[.]/g, '\\.')} \\(.+\\); check the network`),
    );
    expect(existsSync(path.join(folder, 'jets.arff'))).toBe(false);
  });

  it('removes partial files left by a killed earlier download, but not those of a running one', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const stale = path.join(folder, `.jets.arff.download-${dead}-0000abcd`);
    const live = path.join(folder, `.jets.arff.download-${process.pid}-0000abcd`);
    await writeFile(stale, 'partial');
    await writeFile(live, 'partial');
    await downloadVerified({
      url: url(),
      file: path.join(folder, 'jets.arff'),
      md5,
      reporter: { info() {} },
    });
    expect((await readdir(folder)).sort()).toEqual([path.basename(live), 'jets.arff']);
  });
});
