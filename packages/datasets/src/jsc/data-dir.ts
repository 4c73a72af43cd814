import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DatasetError } from '@machop/core/base';

const PREFERRED = ['hls4ml_lhc_jets_hlf.arff', 'jsc.arff', 'hls4ml_lhc_jets_hlf.csv', 'jsc.csv'];

/**
 * The JSC file to read from `--data-dir`: the path itself when it is a file; else, in the
 * folder, `hls4ml_lhc_jets_hlf.arff`, `jsc.arff`, `hls4ml_lhc_jets_hlf.csv` or `jsc.csv`, else
 * the only `.arff` file, else the only `.csv` file.
 */
export async function findJscFile(dataDir: string): Promise<string> {
  const where = path.resolve(dataDir);
  const info = await stat(where).catch(() => undefined);
  if (!info)
    throw new DatasetError(
      `${where}: no such folder (from --data-dir or MACHOP_DATA_DIR); create it and put hls4ml_lhc_jets_hlf.arff there, or leave it unset to download JSC`,
    );
  if (info.isFile()) return where;
  const names = await readdir(where);
  const preferred = PREFERRED.find((name) => names.includes(name));
  if (preferred) return path.join(where, preferred);
  for (const extension of ['.arff', '.csv']) {
    const found = names.filter((name) => name.toLowerCase().endsWith(extension)).sort();
    if (found.length === 1) return path.join(where, found[0]);
    if (found.length > 1) {
      throw new DatasetError(
        `${where}: several ${extension} files (${found.join(', ')}); name the JSC one hls4ml_lhc_jets_hlf${extension} or pass its path as --data-dir`,
      );
    }
  }
  throw new DatasetError(
    `${where}: no JSC data file; put hls4ml_lhc_jets_hlf.arff (from https://www.openml.org/d/42468) or a CSV with the same columns there, or leave --data-dir unset to download it`,
  );
}
