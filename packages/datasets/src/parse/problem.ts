import { DatasetError } from '@machop/core';

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
