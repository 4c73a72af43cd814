import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file in the package's `fixtures/` folder. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
}

/** The text of a fixture file. */
export function fixtureText(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/**
 * A naive reading of comma-separated data lines, for checking parsers against: every non-empty
 * line that does not start with `%` or `@`, split at commas, with quotes stripped.
 */
export function naiveRows(text: string, skipHeader: boolean): { line: number; fields: string[] }[] {
  const lines = text.split(/\r?\n/);
  const result: { line: number; fields: string[] }[] = [];
  let inData = !skipHeader;
  lines.forEach((line, index) => {
    if (!inData) {
      if (/^@data/i.test(line)) inData = true;
      return;
    }
    if (line.trim() === '' || line.startsWith('%')) return;
    result.push({
      line: index + 1,
      fields: line.split(',').map((field) => field.trim().replace(/^(['"])(.*)\1$/, '$2')),
    });
  });
  return result;
}
