import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DatasetContext } from '@machop/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setEnv } from '../test-support/env.js';
import { fixturePath, fixtureText, naiveRows } from '../test-support/fixtures.js';
import { OpenmlServer } from '../test-support/openml-server.js';
import { loadJsc } from './load.js';
import { JSC_FEATURES } from './schema.js';
import { failureMessage as failure } from '../test-support/failure.js';

const split = { seed: 42, testFraction: 0.2, valFraction: 0.1 };
let folder: string;
let messages: string[];
let restore: () => void;

function context(
  options: Record<string, unknown> = {},
  extra: Partial<DatasetContext> = {},
): DatasetContext {
  return {
    options,
    split,
    cacheDir: path.join(folder, 'cache'),
    reporter: { info: (message) => messages.push(message) },
    ...extra,
  };
}

beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'machop-jsc-offline-'));
  messages = [];
  // Any attempt to reach OpenML would fail: offline loading must not try.
  const closed = await new OpenmlServer('').start();
  await closed.stop();
  restore = setEnv({ MACHOP_OPENML_URL: closed.url, MACHOP_DATA_DIR: undefined });
});
afterEach(async () => {
  restore();
  await rm(folder, { recursive: true, force: true });
});

describe('jsc offline from --data-dir', () => {
  it('reads hls4ml_lhc_jets_hlf.arff from the folder and applies the hls4ml recipe', async () => {
    await copyFile(
      fixturePath('jsc-synthetic.arff'),
      path.join(folder, 'hls4ml_lhc_jets_hlf.arff'),
    );
    const data = await loadJsc(context({ dataDir: folder }));
    const rows = naiveRows(fixtureText('jsc-synthetic.arff'), true);
    const distinct = new Map(rows.map((row) => [row.fields.join(','), row.fields[16]]));
    expect(data.source.rows).toBe(rows.length);
    expect(data.source.duplicatesDropped).toBe(rows.length - distinct.size);
    const test = Math.ceil(distinct.size * 0.2);
    const validation = Math.ceil((distinct.size - test) * 0.1);
    expect([data.train.size, data.validation.size, data.test.size]).toEqual([
      distinct.size - test - validation,
      validation,
      test,
    ]);
    expect(data.featureNames).toEqual(JSC_FEATURES);
    expect(data.classNames).toEqual(['g', 'q', 'w', 'z', 't']);
    const counts = new Array<number>(5).fill(0);
    for (const part of [data.train, data.validation, data.test])
      for (const label of part.y) counts[label]++;
    expect(counts).toEqual(
      data.classNames.map(
        (name) => [...distinct.values()].filter((label) => label === name).length,
      ),
    );
    expect(messages).toEqual([`reading JSC from ${path.join(folder, 'hls4ml_lhc_jets_hlf.arff')}`]);
    expect(data.source.checksum).toMatch(/^md5:[0-9a-f]{32}$/);
  });

  it('accepts the path of the file itself, any single .arff name, and MACHOP_DATA_DIR', async () => {
    const file = path.join(folder, 'my-jets.arff');
    await copyFile(fixturePath('jsc-synthetic.arff'), file);
    const direct = await loadJsc(context({ dataDir: file }));
    const byFolder = await loadJsc(context({ dataDir: folder }));
    const restoreDir = setEnv({ MACHOP_DATA_DIR: folder });
    try {
      const byEnvironment = await loadJsc(context());
      expect(byEnvironment.train.x).toEqual(direct.train.x);
    } finally {
      restoreDir();
    }
    expect(byFolder.test.y).toEqual(direct.test.y);
  });

  it('reads a CSV with the same columns into the same data as the ARFF', async () => {
    const rows = naiveRows(fixtureText('jsc-synthetic.arff'), true);
    const csv = [
      [...JSC_FEATURES, 'class'].join(','),
      ...rows.map((row) => row.fields.join(',')),
    ].join('\n');
    await writeFile(path.join(folder, 'jsc.csv'), `${csv}\n`);
    const fromCsv = await loadJsc(context({ dataDir: folder }));
    const fromArff = await loadJsc(context({ dataDir: fixturePath('jsc-synthetic.arff') }));
    expect(fromCsv.train.x).toEqual(fromArff.train.x);
    expect(fromCsv.test.y).toEqual(fromArff.test.y);
    expect(fromCsv.scaler).toEqual(fromArff.scaler);
  });

  it('applies a given scaler instead of fitting one', async () => {
    const fitted = await loadJsc(context({ dataDir: fixturePath('jsc-synthetic.arff') }));
    const scaler = {
      mean: fitted.scaler.mean.map(() => 0),
      scale: fitted.scaler.scale.map(() => 2),
    };
    const given = await loadJsc(
      context({ dataDir: fixturePath('jsc-synthetic.arff') }, { scaler }),
    );
    expect(given.scaler).toEqual(scaler);
    expect(given.test.x[3]).toBeCloseTo(
      (fitted.test.x[3] * fitted.scaler.scale[3] + fitted.scaler.mean[3]) / 2,
      4,
    );
  });

  it('says what to do when the folder is missing, empty or ambiguous', async () => {
    const missing = path.join(folder, 'nowhere');
    expect(await failure(loadJsc(context({ dataDir: missing })))).toBe(
      `${missing}: no such folder (from --data-dir or MACHOP_DATA_DIR); create it and put hls4ml_lhc_jets_hlf.arff there, or leave it unset to download JSC`,
    );
    const empty = path.join(folder, 'empty');
    await mkdir(empty);
    expect(await failure(loadJsc(context({ dataDir: empty })))).toMatch(
      /^.*empty: no JSC data file; put hls4ml_lhc_jets_hlf\.arff \(from https:\/\/www\.openml\.org\/d\/42468\)/,
    );
    await writeFile(path.join(empty, 'a.arff'), '');
    await writeFile(path.join(empty, 'b.arff'), '');
    expect(await failure(loadJsc(context({ dataDir: empty })))).toMatch(
      /several \.arff files \(a\.arff, b\.arff\); name the JSC one hls4ml_lhc_jets_hlf\.arff/,
    );
  });

  it('names the file for an empty or foreign data file', async () => {
    const file = path.join(folder, 'hls4ml_lhc_jets_hlf.arff');
    await writeFile(file, '');
    expect(await failure(loadJsc(context({ dataDir: folder })))).toBe(
      `${file}: the file is empty; check the path, or download the file again`,
    );
    await writeFile(file, fixtureText('wine.csv'));
    expect(await failure(loadJsc(context({ dataDir: folder })))).toMatch(
      /hls4ml_lhc_jets_hlf\.arff line 1: unexpected ".*" in the ARFF header; is it an ARFF file\?/,
    );
  });

  it('finds the class column of an offline file without being told its name', async () => {
    const file = path.join(folder, 'hls4ml_lhc_jets_hlf.arff');
    await writeFile(
      file,
      fixtureText('jsc-synthetic.arff').replace('@ATTRIBUTE class ', '@ATTRIBUTE label '),
    );
    expect((await loadJsc(context({ dataDir: folder }))).classNames).toEqual([
      'g',
      'q',
      'w',
      'z',
      't',
    ]);
    await writeFile(
      file,
      fixtureText('jsc-synthetic.arff').replace(
        '@ATTRIBUTE j_zlogz NUMERIC',
        '@ATTRIBUTE zlogz NUMERIC',
      ),
    );
    expect(await failure(loadJsc(context({ dataDir: folder })))).toBe(
      `${file}: cannot tell which column holds the class: zlogz, class; keep only the 16 JSC features and one class column`,
    );
  });
});
