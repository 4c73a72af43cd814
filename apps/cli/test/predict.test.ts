import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SplitOptions } from '@machop/core';
import { parseCsv, prepareTabular } from '@machop/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CH, runCh } from './run-ch.js';

// End to end: the real `ch` binary trains a small run on the wine CSV, then `ch predict` reads
// raw rows written by this test and its output is checked against `ch test` of the same run.
const WINE = path.resolve(import.meta.dirname, '../../../packages/datasets/fixtures/wine.csv');

let dir: string;
let runDir: string;
const env = { MACHOP_CACHE_DIR: '' };

/** The wine CSV's test split as raw rows: the split `ch test` evaluates, unscaled. */
async function rawTestRows(config: { split: SplitOptions }) {
  const table = parseCsv(await readFile(WINE), WINE, { labelColumn: 'label' });
  const features = table.featureNames.length;
  // An identity scaler keeps the values as read: (x - 0) / 1 is exact.
  const data = prepareTabular(table, {
    name: 'csv',
    split: config.split,
    scaler: { mean: new Array(features).fill(0), scale: new Array(features).fill(1) },
    source: { description: 'wine' },
  });
  return { data, features };
}

/** Parse `ch predict`'s CSV (its class names hold no commas or quotes here). */
function parseOutput(text: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = text.trimEnd().split('\n');
  return { header: header.split(','), rows: rows.map((row) => row.split(',')) };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'machop-predict-'));
  env.MACHOP_CACHE_DIR = path.join(dir, 'cache');
  const result = await runCh(
    [
      'train',
      'mlp',
      'csv',
      '--data',
      WINE,
      '--label-column',
      'label',
      '--hidden',
      '16',
      // Barely trained, so that some test rows are misclassified and the check below has teeth.
      '--max-epochs',
      '1',
      '--batch-size',
      '16',
      '--learning-rate',
      '0.003',
      '--project',
      'wine',
      '--quiet',
    ],
    { cwd: dir, env },
  );
  expect(result.code, result.stderr).toBe(0);
  const root = path.join(dir, 'machop_output', 'wine');
  runDir = path.join(root, (await readdir(root))[0]);
}, 180_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('ch predict', () => {
  it.each(['auto', 'tfjs'])(
    "predicts the test split's rows with the classes ch test scores, columns in any order (engine %s)",
    async (engine) => {
      const config = JSON.parse(await readFile(path.join(runDir, 'config.json'), 'utf8'));
      const { data, features } = await rawTestRows(config);
      // Features reversed and a label column in front: columns are matched by name.
      const names = [...data.featureNames].reverse();
      const lines = ['label,' + names.join(',')];
      for (let row = 0; row < data.test.size; row++) {
        const values = names.map((name) =>
          String(data.test.x[row * features + data.featureNames.indexOf(name)]),
        );
        lines.push([data.classNames[data.test.y[row]], ...values].join(','));
      }
      const rowsFile = path.join(dir, `test-rows-${engine}.csv`);
      await writeFile(rowsFile, lines.join('\n') + '\n');

      const predicted = await runCh(
        ['predict', '--load', runDir, '--data', rowsFile, '--engine', engine],
        { cwd: dir, env },
      );
      expect(predicted.code, predicted.stderr).toBe(0);
      expect(predicted.stderr).toContain(`note: ${rowsFile}: ignored column label`);
      const tested = await runCh(['test', '--load', runDir, '--json', '--engine', engine], {
        cwd: dir,
        env,
      });
      expect(tested.code, tested.stderr).toBe(0);
      const report = JSON.parse(tested.stdout);

      const { header, rows } = parseOutput(predicted.stdout);
      const classes = data.classNames;
      expect(header).toEqual([
        'class',
        ...classes.map((name) => `p_${name}`),
        ...classes.map((name) => `logit_${name}`),
      ]);
      expect(rows).toHaveLength(data.test.size);
      const confusion = classes.map(() => classes.map(() => 0));
      let correct = 0;
      let lossSum = 0;
      rows.forEach((row, index) => {
        const probabilities = row.slice(1, 1 + classes.length).map(Number);
        const logits = row.slice(1 + classes.length).map(Number);
        // Every number is a float32 written in full: it reads back as the same float32.
        for (const value of [...probabilities, ...logits]) expect(Math.fround(value)).toBe(value);
        // The probabilities are the softmax of the logits, and the class the most probable.
        const top = Math.max(...logits);
        const exponents = logits.map((logit) => Math.exp(logit - top));
        const total = exponents.reduce((sum, value) => sum + value, 0);
        exponents.forEach((value, column) =>
          expect(probabilities[column]).toBeCloseTo(value / total, 6),
        );
        const best = probabilities.indexOf(Math.max(...probabilities));
        expect(row[0]).toBe(classes[best]);
        const label = data.test.y[index];
        // The cross-entropy from the logits as written, as ch test sums it.
        lossSum += top + Math.log(total) - logits[label];
        confusion[label][best]++;
        if (best === label) correct++;
      });
      expect(report.accuracy).toBeGreaterThan(0);
      expect(report.accuracy).toBeLessThan(1);
      expect(correct / rows.length).toBe(report.accuracy);
      expect(lossSum / rows.length).toBeCloseTo(report.loss, 12);
      expect(confusion).toEqual(report.confusionMatrix);
    },
  );

  it('writes the same CSV to --out, and reads an ARFF file', async () => {
    const arff = [
      '@relation wine',
      '@attribute label {class_0,class_1,class_2}',
      ...JSON.parse(
        await readFile(path.join(runDir, 'config.json'), 'utf8'),
      ).dataset.featureNames.map((name: string) => `@attribute ${name} numeric`),
      '@data',
      ...(await readFile(WINE, 'utf8'))
        .trim()
        .split('\n')
        .slice(1, 6)
        .map((line) => {
          const fields = line.split(',');
          return [fields.at(-1), ...fields.slice(0, -1)].join(',');
        }),
    ].join('\n');
    const arffFile = path.join(dir, 'rows.arff');
    await writeFile(arffFile, arff + '\n');
    const out = path.join(dir, 'predictions.csv');
    const written = await runCh(['predict', '--load', runDir, '--data', arffFile, '--out', out], {
      cwd: dir,
      env,
    });
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toBe('');
    const csvFile = path.join(dir, 'first-rows.csv');
    await writeFile(
      csvFile,
      (await readFile(WINE, 'utf8')).trim().split('\n').slice(0, 6).join('\n') + '\n',
    );
    const shown = await runCh(['predict', '--load', runDir, '--data', csvFile], {
      cwd: dir,
      env,
    });
    expect(shown.code, shown.stderr).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(shown.stdout);
    expect(parseOutput(shown.stdout).rows).toHaveLength(5);
    // A checkpoint folder predicts as its run does.
    const checkpoint = await runCh(
      ['predict', '--load', path.join(runDir, 'checkpoints', 'best'), '--data', csvFile],
      { cwd: dir, env },
    );
    expect(checkpoint.stdout).toBe(shown.stdout);
    // So does one copied out of its run: the checkpoint records its feature and class names.
    const copied = path.join(dir, 'copied-checkpoint');
    await cp(path.join(runDir, 'checkpoints', 'best'), copied, { recursive: true });
    const alone = await runCh(['predict', '--load', copied, '--data', csvFile], { cwd: dir, env });
    expect(alone.stdout, alone.stderr).toBe(shown.stdout);
  });

  it('ends quietly when the reader of its output stops early (ch predict ... | head)', async () => {
    const wine = (await readFile(WINE, 'utf8')).trim().split('\n');
    const many = path.join(dir, 'many-rows.csv');
    // About a megabyte of output: far more than a pipe holds.
    await writeFile(many, [wine[0], ...Array(40).fill(wine.slice(1)).flat()].join('\n') + '\n');
    const child = spawn(process.execPath, [CH, 'predict', '--load', runDir, '--data', many], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Like head: read the first chunk, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });

  describe('refuses bad input in one line, writing nothing', () => {
    const header =
      'alcohol,malic_acid,ash,alcalinity_of_ash,magnesium,total_phenols,flavanoids,nonflavanoid_phenols,proanthocyanins,color_intensity,hue,od280_od315_of_diluted_wines,proline';
    const row = '14.23,1.71,2.43,15.6,127,2.8,3.06,0.28,2.29,5.64,1.04,3.92,1065';

    async function refused(
      setup: () => Promise<{ load?: string; data: string }>,
      message: RegExp,
    ): Promise<void> {
      const { load = runDir, data } = await setup();
      const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}.csv`);
      const result = await runCh(['predict', '--load', load, '--data', data, '--out', out], {
        cwd: dir,
        env,
      });
      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe('');
      const errors = result.stderr.split('\n').filter((line) => line.startsWith('error: '));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(message);
      expect(existsSync(out)).toBe(false);
      expect((await readdir(dir)).filter((name) => name.includes('out-'))).toEqual([]);
    }

    const file = async (name: string, text: string) => {
      const target = path.join(dir, name);
      await writeFile(target, text);
      return { data: target };
    };

    it('a non-numeric cell', () =>
      refused(
        () => file('bad-cell.csv', `${header}\n${row}\n${row.replace('2.43', 'n/a')}\n`),
        /bad-cell\.csv line 3: non-numeric value "n\/a" in column "ash"; features must be numbers/,
      ));

    it('an empty file', () =>
      refused(() => file('empty.csv', ''), /empty\.csv: the file is empty; check the path/));

    it('a row of the wrong length', () =>
      refused(
        () => file('short.csv', `${header}\n${row}\n14.23,1.71\n`),
        /short\.csv line 3: expected 13 values, found 2 .*; fix or remove the row/,
      ));

    it('a missing feature column, named with the file', () =>
      refused(
        () => file('no-hue.csv', `${header.replace(',hue', '')}\n${row.replace(',1.04', '')}\n`),
        /no-hue\.csv line 1: no feature column "hue"; the model needs the columns alcohol, .*add or rename the column/,
      ));

    it('a folder given as the data file', () =>
      refused(async () => {
        const folder = path.join(dir, 'a-folder');
        await mkdir(folder, { recursive: true });
        return { data: folder };
      }, /a-folder is a folder; pass the path of a data file/));

    it('a run without a checkpoint', () =>
      refused(async () => {
        const copy = path.join(dir, 'machop_output', 'wine', 'no-checkpoint');
        await mkdir(path.join(copy, 'checkpoints'), { recursive: true });
        await cp(path.join(runDir, 'config.json'), path.join(copy, 'config.json'));
        return { load: copy, data: WINE };
      }, /run .*no-checkpoint has no checkpoint yet .*; train it with ch train/));

    it('a run folder whose config.json is damaged', () =>
      refused(async () => {
        const copy = path.join(dir, 'machop_output', 'wine', 'damaged');
        await cp(runDir, copy, { recursive: true });
        await writeFile(path.join(copy, 'config.json'), '{"format": "machop-ru');
        return { load: copy, data: WINE };
      }, /damaged: its config\.json is damaged or not a Machop\.ts run; pass a run folder made by ch train/));

    it('an --out that is a folder', async () => {
      const result = await runCh(['predict', '--load', runDir, '--data', WINE, '--out', dir], {
        cwd: dir,
        env,
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/^error: --out .* is a folder; pass the path of the CSV file/m);
    });
  });

  it('is listed in ch --help and documents itself in ch predict --help', async () => {
    const list = await runCh(['--help'], { cwd: dir, env });
    expect(list.stdout).toMatch(/^ {2}predict +predict classes of new rows/m);
    expect(list.stdout).toContain('ch predict --load machop_output/lab1/<run-id> --data jets.csv');
    const help = await runCh(['predict', '--help'], { cwd: dir, env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--out FILE');
    expect(help.stdout).toMatch(/scaler/);
  });
});
