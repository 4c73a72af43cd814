/**
 * Indices of the rows to keep when exact duplicates are dropped (same features and same label),
 * in their original order; the first occurrence of each row is kept. Works in one pass with an
 * open-addressing hash table, without a string or array per row.
 */
export function uniqueRows(
  x: Float32Array,
  y: Int32Array,
  rows: number,
  features: number,
): Int32Array {
  const bits = new Uint32Array(x.buffer, x.byteOffset, rows * features);
  let size = 1;
  while (size < rows * 2) size *= 2;
  const mask = size - 1;
  // Slot holds row + 1; 0 marks an empty slot.
  const table = new Int32Array(size);
  const kept = new Int32Array(rows);
  let count = 0;
  for (let row = 0; row < rows; row++) {
    const base = row * features;
    let hash = Math.imul(y[row] ^ 0x9e3779b9, 0x85ebca6b);
    for (let feature = 0; feature < features; feature++) {
      let word = bits[base + feature];
      // -0 equals 0, so both must hash alike.
      if (word === 0x80000000) word = 0;
      hash = Math.imul(hash ^ word, 0x01000193);
      hash ^= hash >>> 15;
    }
    hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
    hash ^= hash >>> 13;
    let slot = hash & mask;
    for (;;) {
      const occupant = table[slot];
      if (occupant === 0) {
        table[slot] = row + 1;
        kept[count++] = row;
        break;
      }
      if (sameRow(x, y, occupant - 1, row, features)) break;
      slot = (slot + 1) & mask;
    }
  }
  return kept.slice(0, count);
}

function sameRow(x: Float32Array, y: Int32Array, a: number, b: number, features: number): boolean {
  if (y[a] !== y[b]) return false;
  const baseA = a * features;
  const baseB = b * features;
  for (let feature = 0; feature < features; feature++)
    if (x[baseA + feature] !== x[baseB + feature]) return false;
  return true;
}
