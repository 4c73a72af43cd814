import path from 'node:path';
import { ConfigError, type DatasetEntry } from '@machop/core/base';
import { md5Of } from '../jsc/cache.js';
import { columnNames } from '../parse/column-names.js';
import { parseCsv } from '../parse/csv.js';
import { prepareTabular } from '../prepare/prepare.js';
import { readDataFile } from '../read-file.js';

/** `csv`: any tabular CSV file with a header row, numeric features and a class column. */
export const csvEntry: DatasetEntry = {
  description:
    'any CSV file with a header: numeric feature columns and a class column (--data FILE --label-column NAME)',
  task: 'classification',
  options: [
    { name: 'data', type: 'string', description: 'path of the CSV file', required: true },
    {
      name: 'labelColumn',
      type: 'string',
      description:
        'column holding the class labels (strings or integers); default: the last column',
    },
  ],
  async load(context) {
    const data = context.options.data;
    if (typeof data !== 'string' || data === '')
      throw new ConfigError('the csv data set needs a file: pass --data FILE');
    const label = context.options.labelColumn;
    if (label !== undefined && (typeof label !== 'string' || label === ''))
      throw new ConfigError('--label-column needs a column name');
    const file = path.resolve(data);
    context.reporter.info(`reading ${file}`);
    const bytes = await readDataFile(file);
    const labelColumn = label ?? columnNames(bytes, file, 'csv').at(-1) ?? '';
    const table = parseCsv(bytes, file, { labelColumn });
    return prepareTabular(table, {
      name: 'csv',
      split: context.split,
      scaler: context.scaler,
      source: {
        description: `CSV file ${path.basename(file)}: ${table.featureNames.length} features, label column "${labelColumn}"`,
        file,
        checksum: `md5:${md5Of(bytes)}`,
      },
    });
  },
};
