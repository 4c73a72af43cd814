import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DatasetContext } from '@machop/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setEnv } from '../test-support/env.js';
import { fixtureText } from '../test-support/fixtures.js';
import { OpenmlServer } from '../test-support/openml-server.js';
import { loadJsc } from './load.js';
import { failure } from '../test-support/failure.js';

const arffText = fixtureText('jsc-synthetic.arff');
const arff = new TextEncoder().encode(arffText);
const md5 = createHash('md5').update(arff).digest('hex');
const split = { seed: 42, testFraction: 0.2, valFraction: 0.1 };
let server: OpenmlServer;
let cacheDir: string;
let messages: string[];
let progress: [string, number, number | undefined][];
const cacheFolder = () => path.join(cacheDir, 'openml', '42468');

function context(extra: Partial<DatasetContext> = {}): DatasetContext {
  return {
    options: {},
    split,
    cacheDir,
    reporter: {
      info: (message) => messages.push(message),
      progress: (task, done, total) => progress.push([task, done, total]),
    },
    ...extra,
  };
}

async function closedServerUrl(): Promise<string> {
  const closed = await new OpenmlServer(arff).start();
  await closed.stop();
  return closed.url;
}

beforeAll(async () => {
  server = await new OpenmlServer(arff).start();
});
afterAll(() => server.stop());
beforeEach(async () => {
  Object.assign(server, {
    mode: 'complete',
    announcedMd5: undefined,
    descriptionBody: undefined,
    descriptionStatus: 200,
    target: 'class',
    arff,
  });
  server.requests.length = 0;
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'machop-jsc-cache-'));
  messages = [];
  progress = [];
  const restore = setEnv({ MACHOP_OPENML_URL: server.url, MACHOP_DATA_DIR: undefined });
  return async () => {
    restore();
    await rm(cacheDir, { recursive: true, force: true });
  };
});

describe('jsc from OpenML (a loopback server in OpenML format)', () => {
  it('asks for the description, downloads the ARFF it names with progress, verifies and caches it', async () => {
    const data = await loadJsc(context());
    expect(server.requests).toEqual([
      '/api/v1/json/data/42468',
      '/data/v1/download/22044765/hls4ml_lhc_jets_hlf.arff',
    ]);
    expect(progress.at(-1)).toEqual([
      'download hls4ml_lhc_jets_hlf.arff',
      arff.length,
      arff.length,
    ]);
    const file = path.join(cacheFolder(), 'hls4ml_lhc_jets_hlf.arff');
    expect(data.source.file).toBe(file);
    expect(data.source.checksum).toBe(`md5:${md5}`);
    expect((await readdir(cacheFolder())).sort()).toEqual([
      'description.json',
      'hls4ml_lhc_jets_hlf.arff',
      'verified.json',
    ]);
    expect(
      JSON.parse(await readFile(path.join(cacheFolder(), 'description.json'), 'utf8')),
    ).toMatchObject({ md5, target: 'class', name: 'hls4ml_lhc_jets_hlf' });
    expect(messages.at(-1)).toBe(`cached ${file} (md5 ${md5} verified)`);
  });

  it('uses the cache on later runs without any network', async () => {
    const first = await loadJsc(context());
    const restore = setEnv({ MACHOP_OPENML_URL: await closedServerUrl() });
    try {
      server.requests.length = 0;
      messages = [];
      const second = await loadJsc(context());
      expect(server.requests).toEqual([]);
      expect(messages).toEqual([
        `using cached ${path.join(cacheFolder(), 'hls4ml_lhc_jets_hlf.arff')}`,
      ]);
      expect(second.train.x).toEqual(first.train.x);
      expect(second.test.y).toEqual(first.test.y);
    } finally {
      restore();
    }
  });

  it('downloads again when the cached file no longer matches its md5', async () => {
    await loadJsc(context());
    const file = path.join(cacheFolder(), 'hls4ml_lhc_jets_hlf.arff');
    await writeFile(file, arffText.slice(0, 5000));
    server.requests.length = 0;
    messages = [];
    await loadJsc(context());
    expect(messages[0]).toMatch(
      /^cached .*hls4ml_lhc_jets_hlf\.arff does not match its md5 \([0-9a-f]{32}, expected [0-9a-f]{32}\); deleting it and downloading again$/,
    );
    expect(server.requests).toHaveLength(2);
    expect(
      createHash('md5')
        .update(await readFile(file))
        .digest('hex'),
    ).toBe(md5);
  });

  it('checks again a cached file changed in place, even at the same size', async () => {
    await loadJsc(context());
    const file = path.join(cacheFolder(), 'hls4ml_lhc_jets_hlf.arff');
    const bytes = await readFile(file);
    // One digit changed: same size, new mtime, so the stamp of the verified file no longer holds.
    const at = bytes.lastIndexOf('1'.charCodeAt(0));
    bytes[at] = '2'.charCodeAt(0);
    await writeFile(file, bytes);
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    server.requests.length = 0;
    messages = [];
    await loadJsc(context());
    expect(messages[0]).toMatch(/does not match its md5/);
    expect(server.requests).toHaveLength(2);
  });

  it('takes the class column from default_target_attribute rather than assuming its name', async () => {
    const renamed = arffText.replace('@ATTRIBUTE class ', '@ATTRIBUTE jet_type ');
    server.arff = new TextEncoder().encode(renamed);
    server.target = 'jet_type';
    const data = await loadJsc(context());
    expect(data.classNames).toEqual(['g', 'q', 'w', 'z', 't']);
    server.target = 'class';
    await rm(cacheDir, { recursive: true, force: true });
    const error = await failure(loadJsc(context()));
    expect(error.message).toMatch(/hls4ml_lhc_jets_hlf\.arff: no label column "class"/);
  });

  it('deletes a download whose md5 differs from the description and says so', async () => {
    server.announcedMd5 = '0'.repeat(32);
    const error = await failure(loadJsc(context()));
    expect(error.code).toBe('E_CHECKSUM');
    expect(error.message).toContain(
      `has md5 ${md5}, expected ${'0'.repeat(32)}; the bad download was deleted`,
    );
    expect(await readdir(cacheFolder())).toEqual([]);
  });

  it('keeps nothing from a download cut off midway', async () => {
    server.mode = 'cut-with-length';
    const error = await failure(loadJsc(context()));
    expect(error.code).toBe('E_DOWNLOAD');
    expect(await readdir(cacheFolder())).toEqual([]);
    server.mode = 'complete';
    const data = await loadJsc(context());
    expect(data.source.checksum).toBe(`md5:${md5}`);
  });

  it('stops a download when aborted', async () => {
    const controller = new AbortController();
    const abortOnProgress = {
      info() {},
      progress: (_: string, done: number) => done > 0 && controller.abort(),
    };
    const error = await failure(
      loadJsc(context({ signal: controller.signal, reporter: abortOnProgress })),
    );
    expect(error.message).toMatch(/was aborted/);
    expect(existsSync(path.join(cacheFolder(), 'hls4ml_lhc_jets_hlf.arff'))).toBe(false);
  });

  it('says how to work offline when OpenML cannot be reached and nothing is cached', async () => {
    const restore = setEnv({ MACHOP_OPENML_URL: await closedServerUrl() });
    try {
      const error = await failure(loadJsc(context()));
      expect(error.code).toBe('E_DOWNLOAD');
      expect(error.message).toMatch(
        /^cannot reach OpenML at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/json\/data\/42468 \(.+\); connect to the internet, set MACHOP_OPENML_URL to an OpenML mirror, or download https:\/\/www\.openml\.org\/d\/42468 yourself and pass --data-dir$/,
      );
    } finally {
      restore();
    }
  });

  it('reports an OpenML error answer and a response that is not a description', async () => {
    server.descriptionStatus = 412;
    server.descriptionBody = JSON.stringify({ error: { code: '111', message: 'Unknown dataset' } });
    expect((await failure(loadJsc(context()))).message).toMatch(
      /^OpenML answered 412 Precondition Failed \(Unknown dataset\) for /,
    );
    server.descriptionStatus = 200;
    server.descriptionBody = '<html>maintenance</html>';
    expect((await failure(loadJsc(context()))).message).toMatch(
      /did not return an OpenML data set description .*; check MACHOP_OPENML_URL$/,
    );
    server.descriptionBody = JSON.stringify({
      data_set_description: {
        id: '42468',
        name: 'x',
        url: `${server.url}/data/v1/download/1/x.arff`,
        default_target_attribute: 'class',
      },
    });
    expect((await failure(loadJsc(context()))).message).toMatch(/has no "md5_checksum"/);
  });
});
