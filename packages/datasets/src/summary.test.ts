import { describe, expect, it } from 'vitest';
import { fixturePath } from './test-support/fixtures.js';
import { csvEntry } from './csv/entry.js';
import { formatDatasetSummary, summarizeDataset } from './summary.js';

const load = () =>
  csvEntry.load({
    options: { data: fixturePath('wine.csv') },
    split: { seed: 42, testFraction: 0.2, valFraction: 0.1 },
    cacheDir: '/nonexistent',
    reporter: { info() {} },
  });

describe('summarizeDataset', () => {
  it('counts every class in every split, consistent with the split sizes', async () => {
    const data = await load();
    const summary = summarizeDataset(data);
    expect(summary.features).toEqual(data.featureNames);
    expect(summary.classes.map((entry) => entry.name)).toEqual(data.classNames);
    for (const part of ['train', 'validation', 'test'] as const) {
      expect(summary.classes.reduce((sum, entry) => sum + entry[part], 0)).toBe(data[part].size);
      expect(summary.sizes[part]).toBe(data[part].size);
      summary.classes.forEach((entry) =>
        expect(entry[part]).toBe(data[part].y.filter((label) => label === entry.index).length),
      );
    }
    expect(summary.sizes.total).toBe(summary.rows - summary.duplicatesDropped);
    expect(summary.scaler).toEqual(data.scaler);
  });

  it('is plain JSON that survives a round trip', async () => {
    const summary = summarizeDataset(await load());
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });
});

describe('formatDatasetSummary', () => {
  it('shows sizes, class counts and every feature in aligned tables', async () => {
    const summary = summarizeDataset(await load());
    const text = formatDatasetSummary(summary);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Dataset: csv');
    expect(text).toContain(
      `rows: ${summary.rows} read, ${summary.duplicatesDropped} duplicates dropped, ${summary.sizes.total} used`,
    );
    for (const entry of summary.classes) {
      expect(lines.find((line) => line.startsWith(`${entry.name} `))?.split(/\s+/)).toEqual([
        entry.name,
        String(entry.index),
        String(entry.train),
        String(entry.validation),
        String(entry.test),
        String(entry.total),
      ]);
    }
    for (const feature of summary.features)
      expect(lines.some((line) => line.startsWith(`${feature} `))).toBe(true);
    const trainLine = lines.find((line) => line.startsWith('train '))!;
    expect(trainLine.split(/\s+/)[1]).toBe(String(summary.sizes.train));
  });
});
