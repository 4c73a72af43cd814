import { readFile } from 'node:fs/promises';
import { DatasetError } from '@machop/core/base';

/** Read a data file whole, turning a missing or unreadable file into a one-line `DatasetError`. */
export async function readDataFile(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new DatasetError(`${file}: no such file; check the path`, { cause: error });
    if (code === 'EISDIR')
      throw new DatasetError(`${file} is a folder; pass the path of a data file`, { cause: error });
    if (code === 'EACCES')
      throw new DatasetError(`${file}: permission denied; make the file readable`, {
        cause: error,
      });
    throw new DatasetError(`${file}: cannot read (${(error as Error).message}); check the path`, {
      cause: error,
    });
  }
}
