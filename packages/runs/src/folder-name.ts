/**
 * The one rule for the names Machop.ts makes folders from (projects, run ids, sweep ids, trial
 * names): a single path segment of letters, digits, ".", "_" and "-" that starts with a letter or
 * digit, so it can never be "..", hold a "/" or start a hidden file.
 */
const FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The rule of {@link isFolderName} in words, for error messages. */
export const FOLDER_NAME_RULE =
  'a folder name of letters, digits, ".", "_" and "-" that starts with a letter or digit';

/** Whether `value` is a name Machop.ts may make a folder from (see {@link FOLDER_NAME_RULE}). */
export function isFolderName(value: unknown): value is string {
  return typeof value === 'string' && FOLDER_NAME.test(value);
}
