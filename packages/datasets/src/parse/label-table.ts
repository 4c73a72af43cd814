import { fileProblem, shown } from './problem.js';
import { ESCAPED, type RowScanner } from './row-scanner.js';

const encoder = new TextEncoder();

/** More distinct labels than this means the label column is probably not a class column. */
const MAX_CLASSES = 1000;

/**
 * Class labels matched by their bytes, so reading a label allocates nothing. A fixed table (such
 * as JSC's g, q, w, z, t) rejects any other label; an open one adds labels as it meets them.
 */
export class LabelTable {
  readonly names: string[] = [];
  private readonly encoded: Uint8Array[] = [];
  private last = 0;

  constructor(
    names: readonly string[],
    private readonly fixed: boolean,
    private readonly column: string,
  ) {
    for (const name of names) this.add(name);
  }

  /** The class index of field `field` of the scanner's current row. */
  indexOf(scanner: RowScanner, bytes: Uint8Array, field: number, file: string): number {
    if ((scanner.flags[field] & ESCAPED) !== 0)
      return this.indexOfText(scanner.text(field), scanner.line, file);
    const found = this.indexOfBytes(bytes, scanner.starts[field], scanner.ends[field]);
    if (found >= 0) return found;
    return this.indexOfText(scanner.text(field), scanner.line, file);
  }

  /** The class index of the label in `bytes[start, end)`, or -1 when it is not (yet) known. */
  indexOfBytes(bytes: Uint8Array, start: number, end: number): number {
    const length = end - start;
    if (this.matches(this.last, bytes, start, length)) return this.last;
    for (let index = 0; index < this.encoded.length; index++) {
      if (this.matches(index, bytes, start, length)) {
        this.last = index;
        return index;
      }
    }
    return -1;
  }

  /** The class index of a label given as text (adding it when the table is open). */
  indexOfText(label: string, line: number, file: string): number {
    const found = this.names.indexOf(label);
    if (found >= 0) return found;
    if (label === '' || label === '?') {
      throw fileProblem(
        file,
        line,
        `the label column "${this.column}" is empty`,
        'give every row a class label or remove the row',
      );
    }
    if (this.fixed) {
      throw fileProblem(
        file,
        line,
        `unknown class label ${shown(label)} in column "${this.column}"`,
        `expected one of ${this.names.join(', ')}`,
      );
    }
    if (this.names.length >= MAX_CLASSES) {
      throw fileProblem(
        file,
        line,
        `column "${this.column}" has more than ${MAX_CLASSES} distinct labels`,
        'choose the class column with --label-column',
      );
    }
    this.add(label);
    return this.names.length - 1;
  }

  private add(name: string): void {
    this.names.push(name);
    this.encoded.push(encoder.encode(name));
  }

  private matches(index: number, bytes: Uint8Array, start: number, length: number): boolean {
    const name = this.encoded[index];
    if (name === undefined || name.length !== length) return false;
    for (let offset = 0; offset < length; offset++)
      if (name[offset] !== bytes[start + offset]) return false;
    return true;
  }
}

/**
 * Class names in a stable order for labels met in a file: numeric order when every label is an
 * integer, else code-point order. Returns the names and, for each old index, its new index.
 */
export function orderClasses(names: readonly string[]): { names: string[]; newIndex: Int32Array } {
  const integers = names.every((name) => /^[+-]?\d+$/.test(name));
  const order = names.map((name, index) => ({ name, index }));
  order.sort((a, b) =>
    integers ? Number(a.name) - Number(b.name) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const newIndex = new Int32Array(names.length);
  order.forEach((entry, position) => (newIndex[entry.index] = position));
  return { names: order.map((entry) => entry.name), newIndex };
}
