import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath, fixtureText, naiveRows } from '../test-support/fixtures.js';
import { csvEntry } from './entry.js';
import { failure } from '../test-support/failure.js';

const split = { seed: 42, testFraction: 0.2, valFraction: 0.1 };
const load = (options: Record<string, unknown>) =>
  csvEntry.load({ options, split, cacheDir: '/nonexistent', reporter: { info() {} } });

describe('csv data set', () => {
  it('loads breast-cancer with its label column, split and scaled', async () => {
    const data = await load({ data: fixturePath('breast-cancer.csv') });
    const [header, ...rows] = naiveRows(fixtureText('breast-cancer.csv'), false);
    expect(data.features).toBe(header.fields.length - 1);
    expect(data.classNames).toEqual([...new Set(rows.map((row) => row.fields.at(-1)!))].sort());
    expect(data.train.size + data.validation.size + data.test.size).toBe(
      rows.length - data.source.duplicatesDropped,
    );
    expect(data.source.file).toBe(fixturePath('breast-cancer.csv'));
    expect(data.source.description).toBe(
      `CSV file breast-cancer.csv: ${data.features} features, label column "label"`,
    );
  });

  it('declares --data as required and --label-column', () => {
    expect(csvEntry.options?.map((option) => [option.name, option.required ?? false])).toEqual([
      ['data', true],
      ['labelColumn', false],
    ]);
  });

  it('asks for --data when it is missing', async () => {
    expect(await failure(load({}))).toEqual({
      code: 'E_CONFIG',
      message: 'the csv data set needs a file: pass --data FILE',
    });
  });

  it('names a missing file', async () => {
    const file = path.resolve('no-such-file.csv');
    expect(await failure(load({ data: 'no-such-file.csv' }))).toEqual({
      code: 'E_DATASET',
      message: `${file}: no such file; check the path`,
    });
  });

  it('names a missing label column with the closest one', async () => {
    const error = await failure(load({ data: fixturePath('wine.csv'), labelColumn: 'class' }));
    expect(error.code).toBe('E_DATASET');
    expect(error.message).toMatch(
      /wine\.csv line 1: no label column "class"; (did you mean|columns are)/,
    );
  });
});
