import { DatasetError } from '@machop/core/base';

/**
 * A {@link DatasetError} whose one-line message names the file and, where it applies, the line:
 * `<file> line <n>: <what is wrong>; <what to do>`.
 */
export function fileProblem(
  file: string,
  line: number | undefined,
  problem: string,
  fix: string,
  cause?: unknown,
): DatasetError {
  const where = line === undefined ? file : `${file} line ${line}`;
  return new DatasetError(
    `${where}: ${problem}; ${fix}`,
    cause === undefined ? undefined : { cause },
  );
}

/** Text shown for a value in a message: quoted, cut to a readable length. */
export function shown(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}

/**
 * Refuse a file that is not text (an image, a zip, a gzip, a NumPy array, ...) before parsing it:
 * otherwise its bytes would be reported as a confusing error deep in some row. Text files hold
 * no NUL bytes, so one in the first 64 KiB settles it.
 */
export function checkText(bytes: Uint8Array, file: string, format: 'CSV' | 'ARFF'): void {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b)
    throw fileProblem(
      file,
      undefined,
      'the file is gzip-compressed, not text',
      `decompress it (gunzip) and pass the ${format} file`,
    );
  const nul = bytes.subarray(0, 65536).indexOf(0);
  if (nul >= 0)
    throw fileProblem(
      file,
      undefined,
      `the file is not text (a NUL byte at byte ${nul})`,
      `pass a ${format} text file`,
    );
}
