import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { DatasetEntry } from '@machop/core';
import { parseCsv, prepareTabular } from '@machop/datasets';

// The CSV ships in the package's data/ folder, beside dist/.
const FILE = fileURLToPath(new URL('../data/breast-cancer.csv', import.meta.url));

/** Breast Cancer Wisconsin (Diagnostic): 569 tumours, 30 features, malignant or benign. */
export const breastCancer: DatasetEntry = {
  description: 'Breast Cancer Wisconsin (Diagnostic), UCI: 569 rows, 30 features, malignant/benign',
  task: 'classification',
  shape: { features: 30, classes: 2 },
  async load({ split, scaler }) {
    const table = parseCsv(await readFile(FILE), FILE, {
      labelColumn: 'label',
      classNames: ['malignant', 'benign'],
    });
    return prepareTabular(table, {
      name: 'breast-cancer',
      split,
      scaler,
      source: {
        description: 'Breast Cancer Wisconsin (Diagnostic), UCI ML repository, CC BY 4.0',
        file: FILE,
      },
    });
  },
};
