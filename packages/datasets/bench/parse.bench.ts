// Parsing and deduplicating the full-size JSC data (830k rows, synthetic values in the real
// schema and number format), each against a plain reference run in the same process.
import { bench, describe } from 'vitest';
import { JSC_CLASSES, JSC_FEATURES } from '../src/jsc/schema.js';
import { parseArff } from '../src/parse/arff.js';
import { uniqueRows } from '../src/prepare/dedupe.js';
import { syntheticJscArff } from '../src/test-support/synthetic-jsc.js';

const ROWS = Number(process.env.JSC_ROWS ?? 830_000);
const bytes = new TextEncoder().encode(
  syntheticJscArff({ rows: ROWS, seed: 1, duplicates: Math.round(ROWS / 1000) }),
);
const choice = { labelColumn: 'class', featureColumns: JSC_FEATURES, classNames: JSC_CLASSES };
const table = parseArff(bytes, 'synthetic.arff', choice);
console.log(`synthetic JSC: ${table.rows} rows, ${(bytes.length / 1e6).toFixed(0)} MB of ARFF`);
const once = { iterations: 2, warmupIterations: 1, time: 0, warmupTime: 0 };

/** The obvious way: decode to a string, split lines and commas, parseFloat each value. */
function naiveParse(data: Uint8Array): { x: Float32Array; y: Int32Array } {
  const lines = new TextDecoder().decode(data).split('\n');
  const start = lines.findIndex((line) => line.toUpperCase().startsWith('@DATA')) + 1;
  const x = new Float32Array((lines.length - start) * 16);
  const y = new Int32Array(lines.length - start);
  let rows = 0;
  for (let index = start; index < lines.length; index++) {
    const line = lines[index];
    if (line === '' || line.startsWith('%')) continue;
    const fields = line.split(',');
    for (let feature = 0; feature < 16; feature++)
      x[rows * 16 + feature] = Number.parseFloat(fields[feature]);
    y[rows++] = JSC_CLASSES.indexOf(fields[16]);
  }
  return { x, y };
}

describe(`parse ${ROWS} JSC rows of ARFF into typed arrays`, () => {
  bench(
    'parseArff (bytes, no string per value)',
    () => {
      parseArff(bytes, 'synthetic.arff', choice);
    },
    once,
  );
  bench(
    'reference: decode + split + parseFloat',
    () => {
      naiveParse(bytes);
    },
    once,
  );
});

describe(`drop duplicates among ${table.rows} rows`, () => {
  bench(
    'uniqueRows (hash table over float bits)',
    () => {
      uniqueRows(table.x, table.y, table.rows, 16);
    },
    once,
  );
  bench(
    'reference: Set of joined row strings',
    () => {
      const seen = new Set<string>();
      for (let row = 0; row < table.rows; row++)
        seen.add(`${table.x.subarray(row * 16, row * 16 + 16).join(',')}|${table.y[row]}`);
    },
    once,
  );
});
