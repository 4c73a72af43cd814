import { parseArffHeader } from './arff-header.js';
import { RowScanner } from './row-scanner.js';

/** The column names of an ARFF or CSV file (its attributes or its header row). */
export function columnNames(bytes: Uint8Array, file: string, format: 'arff' | 'csv'): string[] {
  if (format === 'arff')
    return parseArffHeader(bytes, file).attributes.map((attribute) => attribute.name);
  const offset = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const scanner = new RowScanner(bytes, file, 'csv', { offset, line: 1 });
  if (!scanner.next()) return [];
  return Array.from({ length: scanner.count }, (_, field) => scanner.text(field));
}
