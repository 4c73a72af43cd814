import type { DatasetContext, TabularDataset } from '@machop/core/base';
import { parseArff } from '../parse/arff.js';
import { parseArffFile } from '../parse/arff-file.js';
import type { LabelledTable } from '../parse/table.js';
import { columnNames } from '../parse/column-names.js';
import { parseCsv } from '../parse/csv.js';
import { fileProblem } from '../parse/problem.js';
import { prepareTabular } from '../prepare/prepare.js';
import { readDataFile } from '../read-file.js';
import { cachedOpenmlFile, md5Of, type FetchedFile } from './cache.js';
import { findJscFile } from './data-dir.js';
import { JSC_CLASSES, JSC_DESCRIPTION, JSC_FEATURES, JSC_OPENML_ID } from './schema.js';

/** The class column of a JSC file: the one column that is not a feature. */
function inferTarget(columns: readonly string[], file: string): string {
  const others = columns.filter((name) => !JSC_FEATURES.includes(name));
  if (others.length === 1) return others[0];
  if (others.length === 0)
    throw fileProblem(
      file,
      undefined,
      'no class column besides the 16 JSC features',
      'the file needs a column with the labels g, q, w, z, t',
    );
  throw fileProblem(
    file,
    undefined,
    `cannot tell which column holds the class: ${others.join(', ')}`,
    'keep only the 16 JSC features and one class column',
  );
}

async function offlineFile(dataDir: string, context: DatasetContext): Promise<FetchedFile> {
  const file = await findJscFile(dataDir);
  context.reporter.info(`reading JSC from ${file}`);
  const bytes = await readDataFile(file);
  return { file, bytes, md5: md5Of(bytes) };
}

/**
 * Load JSC: from `options.dataDir` (or `$MACHOP_DATA_DIR`) when set, else from the cache,
 * downloading and verifying it from OpenML first when needed; then parse, drop duplicates,
 * split and scale.
 */
export async function loadJsc(context: DatasetContext): Promise<TabularDataset> {
  const option = context.options.dataDir;
  const dataDir =
    typeof option === 'string' && option !== '' ? option : process.env.MACHOP_DATA_DIR || undefined;
  const fetched = dataDir
    ? await offlineFile(dataDir, context)
    : await cachedOpenmlFile(JSC_OPENML_ID, context);
  const format = fetched.file.toLowerCase().endsWith('.csv') ? 'csv' : 'arff';
  let table: LabelledTable;
  if (fetched.bytes) {
    const bytes = fetched.bytes;
    const labelColumn =
      fetched.target ?? inferTarget(columnNames(bytes, fetched.file, format), fetched.file);
    const choice = { labelColumn, featureColumns: JSC_FEATURES, classNames: JSC_CLASSES };
    table =
      format === 'csv'
        ? parseCsv(bytes, fetched.file, choice)
        : parseArff(bytes, fetched.file, choice);
  } else {
    // The cached OpenML file (ARFF, its class column known), read in chunks: not 250 MB at once.
    const labelColumn = fetched.target ?? 'class';
    const choice = { labelColumn, featureColumns: JSC_FEATURES, classNames: JSC_CLASSES };
    table = await parseArffFile(fetched.file, choice);
  }
  return prepareTabular(table, {
    name: 'jsc',
    split: context.split,
    scaler: context.scaler,
    source: { description: JSC_DESCRIPTION, file: fetched.file, checksum: `md5:${fetched.md5}` },
  });
}
